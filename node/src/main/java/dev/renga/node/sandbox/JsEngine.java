package dev.renga.node.sandbox;

import dev.renga.node.fetch.HandlerCode;
import dev.renga.node.outbound.OutboundCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one GraalJS {@link Engine}: every context is created from it, so parsed and compiled code (the runtime,
 * and handler sources) is shared across contexts. It holds the node's {@link Isolation} level, which decides how
 * requests use those contexts.
 */
public final class JsEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JsEngine.class);

  /**
   * Wraps handler code as the body of a function; on one line so error line numbers match the file. Around it, a
   * function that gives it CommonJS's module, exports, __filename and __dirname (so an esbuild bundle runs as it is)
   * without taking those names from the body, which may still declare its own.
   */
  private static final String HANDLER_PREFIX =
      "(function (module, exports, __filename, __dirname) { return async function (req, res) {'use strict';";

  private static final String HANDLER_SUFFIX = "\n}})";

  private static final String MODULE_SUFFIX = "\n})";

  /** Name prefix of the JS Renga ships; such frames are left out of handler stack traces. */
  public static final String RUNTIME_PREFIX = "renga:";

  /** Module source as the body of a CommonJS wrapper (not strict, as in Node); on one line so lines match. */
  private static final String MODULE_PREFIX = "(function (exports, require, module, __filename, __dirname) {";

  /**
   * The built-in modules handlers may require, with or without the {@code node:} prefix (DESIGN §5, the one list:
   * runtime.js gets it from here), each made by the factory named in {@link #FACTORIES}, else by modules/NAME.js.
   */
  public static final List<String> BUILTINS =
      List.of(
          "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "crypto",
          "diagnostics_channel", "dns", "dns/promises", "events", "fs", "fs/promises", "http", "http2", "https", "inspector", "module", "net", "os",
          "path", "path/posix", "perf_hooks", "process", "punycode", "querystring", "readline", "stream",
          "stream/promises", "string_decoder", "timers", "tls", "timers/promises", "tty", "url", "util", "util/types", "v8",
          "vm", "worker_threads", "zlib");

  /**
   * Modules made by another module's factory, which is told the name it makes (runtime.js calls it as {@code
   * factory(internal, name)}); vendor/NAME is a library bundled by node/vendor/build.
   */
  private static final Map<String, String> FACTORIES =
      Map.ofEntries(
          Map.entry("https", "http"),
          Map.entry("dns/promises", "dns"),
          Map.entry("assert/strict", "assert"),
          Map.entry("path", "vendor/path"),
          Map.entry("path/posix", "vendor/path"),
          Map.entry("punycode", "vendor/punycode"),
          Map.entry("stream/promises", "stream"),
          Map.entry("string_decoder", "vendor/string_decoder"),
          Map.entry("timers/promises", "timers"),
          Map.entry("util/types", "util"),
          Map.entry("child_process", "unsupported"),
          Map.entry("cluster", "unsupported"),
          Map.entry("fs", "unsupported"),
          Map.entry("fs/promises", "unsupported"),
          Map.entry("http2", "unsupported"),
          Map.entry("inspector", "unsupported"),
          Map.entry("module", "unsupported"),
          Map.entry("readline", "unsupported"),
          Map.entry("v8", "unsupported"),
          Map.entry("vm", "unsupported"),
          Map.entry("worker_threads", "unsupported"));

  /** Modules only Renga's own code requires (the global crypto is webcrypto, without the rest of crypto). */
  private static final List<String> INTERNAL = List.of("webcrypto");

  /** The bundled libraries (modules/vendor/NAME.js), required by Renga's modules as vendor/NAME. */
  private static final List<String> VENDORED =
      List.of(
          "abort-controller", "assert", "buffer", "events", "pako", "path", "punycode", "querystring", "stream",
          "string_decoder");

  /** BUILTINS as runtime.js gets them (a string crosses into a context as a plain JS string). */
  private static final String BUILTIN_NAMES = String.join(",", BUILTINS);

  private static final HostAccess BUFFERS_ONLY = HostAccess.newBuilder(HostAccess.NONE).allowBufferAccess(true).build();

  private final Engine engine;
  private final Source runtime;
  private final Map<String, Source> builtins;
  /** Contexts prepared ahead of requests; null when every request prepares its own. */
  private final ContextPool pool;
  private final Isolation.Settings isolationSettings;
  private final boolean testCapabilities;
  /** How full the old generation is after a collection, for the scope contexts' memory bound. */
  private final DoubleSupplier heap;
  /** The host functions every context's runtime shares (built-in modules, hashes, encodings, randomness). */
  private final Object engineBridge = RuntimeHost.engineFunctions(this);
  private final Isolation isolation;
  /** The other level, made when a tenant first asks for it (renga.tenants.NAME.sandbox.isolation). */
  private volatile Isolation other;

  /** An engine whose requests each prepare their own context (no pool). */
  public JsEngine() {
    this(0);
  }

  /** An engine for isolation {@code context}. */
  public JsEngine(int poolSize) {
    this(poolSize, Isolation.Settings.CONTEXT, false);
  }

  /**
   * @param poolSize contexts kept prepared ahead of requests by a background thread (renga.node.context-pool); 0
   *     for none
   * @param isolation the isolation level and its bounds (renga.sandbox.isolation, renga.sandbox.scope)
   * @param testCapabilities renga.sandbox.test-capabilities: gives handlers __rengaBlockHost (Renga's own tests)
   */
  public JsEngine(int poolSize, Isolation.Settings isolation, boolean testCapabilities) {
    this(poolSize, isolation, testCapabilities, OldGeneration::afterCollection);
  }

  /** An engine whose {@code scope} contexts read the heap's fill from {@code heap} (tests give it their own). */
  JsEngine(int poolSize, Isolation.Settings isolation, boolean testCapabilities, DoubleSupplier heap) {
    this.heap = heap;
    this.isolationSettings = isolation;
    this.testCapabilities = testCapabilities;
    this.engine = newEngine();
    this.runtime = resource("runtime.js");
    Map<String, Source> factories = new HashMap<>();
    for (String name : VENDORED) {
      factories.put("vendor/" + name, resource("modules/vendor/" + name + ".js"));
    }
    Map<String, Source> modules = new HashMap<>();
    for (String name : BUILTINS) {
      String factory = FACTORIES.getOrDefault(name, name);
      modules.put(name, factories.computeIfAbsent(factory, f -> resource("modules/" + f + ".js")));
    }
    for (String name : INTERNAL) {
      factories.put(name, resource("modules/" + name + ".js"));
    }
    factories.forEach(modules::putIfAbsent);
    this.builtins = Map.copyOf(modules);
    log.info("GraalJS {} on {} ({})", engine.getVersion(), engine.getImplementationName(), System.getProperty("java.version"));
    // Under scope a prepared context becomes a new handler context, which is rare: enough for one new hot handler.
    int size = isolation.level() == Isolation.Level.SCOPE ? Math.min(poolSize, isolation.contextsPerHandler()) : poolSize;
    this.pool = size > 0 ? new ContextPool(this::prepare, size) : null;
    this.isolation =
        isolation.level() == Isolation.Level.SCOPE ? new ScopeIsolation(this, isolation, heap) : new ContextIsolation(this);
    log.info("isolation: {}", isolation.level().name().toLowerCase(java.util.Locale.ROOT));
  }

  /** How requests run in this engine's contexts (renga.sandbox.isolation). */
  public Isolation isolation() {
    return isolation;
  }

  /**
   * How requests of a tenant with its own isolation level run: the node's level, or the other one, made on first use.
   * The pool prepares contexts for the node's level only: under the other level every context is prepared when it is
   * needed (per request in {@code context}, per handler context in {@code scope}).
   */
  public Isolation isolation(Isolation.Level level) {
    if (level == isolationSettings.level()) {
      return isolation;
    }
    Isolation made = other;
    if (made == null) {
      synchronized (this) {
        made = other;
        if (made == null) {
          made = level == Isolation.Level.SCOPE
              ? new ScopeIsolation(this, isolationSettings.withLevel(level), heap)
              : new ContextIsolation(this);
          other = made;
        }
      }
    }
    return made;
  }

  /** A fresh context for a request of {@code level}: from the pool when the node's level is the same. */
  PreparedContext take(Isolation.Level level) {
    return level == isolationSettings.level() ? take() : prepare(level);
  }

  /**
   * The engine, compiling for latency when it compiles at all: a request's code runs once per context and briefly,
   * and Truffle's latency mode compiles it sooner and for less CPU than its default mode (measured with bin/renga
   * bench: hello 2,062-2,812 req/s -> 2,981-3,643 req/s, docs/PERFORMANCE.md). The option exists only with the
   * optimizing runtime; an interpreted engine is built without it.
   */
  private static Engine newEngine() {
    try {
      return engineBuilder().option("engine.Mode", "latency").build();
    } catch (IllegalArgumentException interpretedOnly) {
      return engineBuilder().build();
    }
  }

  private static Engine.Builder engineBuilder() {
    return Engine.newBuilder("js")
        .option("engine.WarnInterpreterOnly", "false")
        .out(OutputStream.nullOutputStream())
        .err(OutputStream.nullOutputStream());
  }

  /** A fresh context for one request, prepared ahead of it when the pool has one. */
  public PreparedContext take() {
    return pool != null ? pool.take() : prepare();
  }

  /** Contexts waiting in the pool now (0 without a pool). */
  public int pooled() {
    return pool != null ? pool.ready() : 0;
  }

  /** Handler contexts open now under {@code scope} (the node's level or a tenant's). */
  public int scopeContexts() {
    int open = 0;
    for (Isolation level : new Isolation[] {isolation, other}) {
      if (level instanceof ScopeIsolation scope) {
        open += scope.contexts();
      }
    }
    return open;
  }

  /** Handler contexts closed so far under {@code scope} because the heap was above renga.sandbox.scope.max-heap. */
  public long scopeContextsClosedForMemory() {
    long closed = 0;
    for (Isolation level : new Isolation[] {isolation, other}) {
      if (level instanceof ScopeIsolation scope) {
        closed += scope.closedForMemory();
      }
    }
    return closed;
  }

  /** Requests that found the pool empty and made their own context (0 without a pool). */
  public long poolMisses() {
    return pool != null ? pool.misses() : 0;
  }

  /**
   * A fresh context with runtime.js run in it, and in {@code scope} its realm frozen; it waits for its first request
   * to open in it.
   */
  public PreparedContext prepare() {
    return prepare(isolationSettings.level());
  }

  private PreparedContext prepare(Isolation.Level level) {
    Context context = newContext();
    try {
      Value exports = context.eval(runtime).execute(engineBridge, testCapabilities, BUILTIN_NAMES);
      if (level == Isolation.Level.SCOPE) {
        exports.invokeMember("lockdown");
      }
      return new PreparedContext(context, exports);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
  }

  /** A fresh context with no host access, no I/O, no threads, no processes and no polyglot access. */
  public Context newContext() {
    return Context.newBuilder("js")
        .engine(engine)
        // Only buffers the runtime is handed (request body, digests) are readable; no Java object, no method.
        .allowHostAccess(BUFFERS_ONLY)
        .allowHostClassLookup(name -> false)
        .allowPolyglotAccess(PolyglotAccess.NONE)
        .allowIO(IOAccess.NONE)
        .allowCreateThread(false)
        .allowCreateProcess(false)
        .allowNativeAccess(false)
        .allowEnvironmentAccess(EnvironmentAccess.NONE)
        .option("js.console", "false")
        .option("js.print", "false")
        .option("js.load", "false")
        .option("js.graal-builtin", "false")
        .option("js.intl-402", "false")
        .option("js.text-encoding", "true")
        // An unhandled rejection surfaces as an exception from the turn that left it, as in Node.
        .option("js.unhandled-rejections", "throw")
        .build();
  }

  /** A built-in module's factory source ({@code (function (internal, name) {...})}), or null if there is none. */
  public Source builtin(String name) {
    return builtins.get(name);
  }

  /** A relative module's code wrapped as a CommonJS function, parsed once per fetched version. */
  public Source module(HandlerCode code) {
    return code.derived(
        "module", c -> Source.newBuilder("js", MODULE_PREFIX + c.code() + MODULE_SUFFIX, c.url()).buildLiteral());
  }

  /**
   * The parsed handler for one fetched version of its code, built once and kept with it: the engine caches
   * compiled code per Source, so every context running this version shares it.
   */
  public Source handler(HandlerCode code) {
    return code.derived("handler", c -> handler(c.url(), c.code()));
  }

  /**
   * Handler code as the body of {@code async function (req, res)} in strict mode, named by its URL; the source
   * evaluates to {@code (module, exports, __filename, __dirname) => handler}.
   */
  public Source handler(String url, String code) {
    return Source.newBuilder("js", HANDLER_PREFIX + code + HANDLER_SUFFIX, url).buildLiteral();
  }

  /** "GraalVM CE" with the optimizing compiler, "Interpreted" without. */
  public String implementationName() {
    return engine.getImplementationName();
  }

  /**
   * Runs ordinary code in fresh contexts so the engine initialises its classes on well-behaved code before the
   * first tenant's (a first-ever infinite recursion can otherwise poison the engine).
   */
  public void warmUp(int contexts) {
    Source code =
        Source.create(
            "js",
            "(function () { function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2); }"
                + " const o = JSON.parse(JSON.stringify({a: [1, 2, 3], s: 'x'.repeat(10)}));"
                + " Promise.resolve(f(15) + o.a.length).then(v => v); })()");
    for (int i = 0; i < contexts; i++) {
      try (Context context = prepare().context()) {
        context.eval(code);
        // Outbound HTTP's JS too (parsed once per engine), so the first handler that uses fetch does not pay for it.
        OutboundCalls.parse(context);
      }
    }
  }

  /** Closes the isolation level's and the pool's contexts, then the engine. */
  @Override
  public void close() {
    isolation.close();
    if (other != null) {
      other.close();
    }
    if (pool != null) {
      pool.close();
    }
    engine.close();
  }

  /** Shipped JS, named "renga:NAME" so no host path ever shows in a handler's stack trace. */
  private static Source resource(String name) {
    try (InputStream in = JsEngine.class.getResourceAsStream(name)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Source.newBuilder("js", text, RUNTIME_PREFIX + name).buildLiteral();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A syntax error as the author of the handler file sees it: the wrapper that makes the file a function body
   * is taken out of the message, and columns on the first line are shifted back.
   */
  public static String describeSyntaxError(String message) {
    String first = ":1:";
    int at = message.indexOf(first);
    if (at >= 0) {
      int end = at + first.length();
      int digits = end;
      while (digits < message.length() && Character.isDigit(message.charAt(digits))) {
        digits++;
      }
      if (digits > end) {
        int column = Math.max(1, Integer.parseInt(message.substring(end, digits)) - HANDLER_PREFIX.length());
        message = message.substring(0, end) + column + message.substring(digits);
      }
    }
    int snippet = message.indexOf("\n" + HANDLER_PREFIX);
    if (snippet >= 0) {
      String rest = message.substring(snippet + 1 + HANDLER_PREFIX.length());
      int caretLine = rest.indexOf('\n');
      if (caretLine >= 0 && rest.length() > caretLine + HANDLER_PREFIX.length()) {
        String caret = rest.substring(caretLine + 1);
        caret = caret.length() > HANDLER_PREFIX.length() ? caret.substring(HANDLER_PREFIX.length()) : caret;
        rest = rest.substring(0, caretLine + 1) + caret;
      }
      message = message.substring(0, snippet + 1) + rest;
    }
    return message;
  }
}
