package dev.renga.node.outbound;

import dev.renga.core.Header;
import dev.renga.node.fetch.NetworkPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * One invocation's outbound HTTP: the host side of {@code fetch} and of the http/https client in its context. It
 * counts requests against renga.sandbox.outbound.max-requests, gives them one shared response-size budget, keeps the
 * pending ones (they keep the invocation's event loop alive) and aborts them all when the invocation ends. It is only
 * used from the request's actor thread; results come back to that actor as messages, and JS sees them in the turn
 * that handles the message.
 */
public final class OutboundCalls {
  /** Shipped JS, named like the runtime's so its frames stay out of handler stack traces. */
  private static final Source SCRIPT = script("outbound.js");

  /** How one outbound request ended: a response, or an error for the handler's TypeError. */
  public record Settled(int id, OutboundResponse response, OutboundException error) {}

  private final OutboundClient client;
  /** The handler URL's origin: the connections its requests use serve no other tenant. */
  private final String tenant;
  /** Made up for this invocation alone: its idle connections close when it ends. */
  private final boolean anonymous;
  private final NetworkPolicy policy;
  /** Outbound requests one invocation may start (its tenant's renga.sandbox.outbound.max-requests). */
  private final int maxRequests;
  private final Consumer<CompletionStage<Settled>> whenSettled;
  private final AtomicLong received = new AtomicLong();
  private final Map<Integer, OutboundClient.Exchange> pending = new HashMap<>();
  private int started;
  private int nextId = 1;
  /** outbound.js's exports once the handler touched fetch, Headers, Response or the http client; null before. */
  private Value js;

  /**
   * @param tenant the invocation's tenant (its renga.tenants entry's name, or the handler URL's origin): its outbound
   *     requests reuse keep-alive connections of that tenant only
   * @param whenSettled called with each started request's outcome (a stage that never fails); the request's actor
   *     pipes it to itself and then calls {@link #deliver} in a JS turn
   */
  public OutboundCalls(
      OutboundClient client, String tenant, NetworkPolicy policy, Consumer<CompletionStage<Settled>> whenSettled) {
    this(client, tenant, false, policy, client.settings().maxRequests(), whenSettled);
  }

  /**
   * Outbound calls of a tenant with its own limit of requests per invocation ({@code maxRequests}; -1 for the node's
   * renga.sandbox.outbound.max-requests).
   */
  public OutboundCalls(
      OutboundClient client, String tenant, NetworkPolicy policy, int maxRequests,
      Consumer<CompletionStage<Settled>> whenSettled) {
    this(client, tenant, false, policy, maxRequests < 0 ? client.settings().maxRequests() : maxRequests, whenSettled);
  }

  /** Outbound calls whose tenant is not known: they reuse connections within this invocation only. */
  public OutboundCalls(OutboundClient client, NetworkPolicy policy, Consumer<CompletionStage<Settled>> whenSettled) {
    this(client, OutboundClient.anonymousTenant(), true, policy, client.settings().maxRequests(), whenSettled);
  }

  private OutboundCalls(
      OutboundClient client, String tenant, boolean anonymous, NetworkPolicy policy, int maxRequests,
      Consumer<CompletionStage<Settled>> whenSettled) {
    this.maxRequests = maxRequests;
    this.client = client;
    this.tenant = tenant;
    this.anonymous = anonymous;
    this.policy = policy;
    this.whenSettled = whenSettled;
  }

  /** Parses outbound.js in {@code context}, so the engine has its code before any handler uses fetch. */
  public static void parse(Context context) {
    context.eval(SCRIPT);
  }

  /**
   * The host function behind runtime.js's {@code outbound(timers)}: evaluates outbound.js in the current context,
   * once, with this invocation's bridge, the timers captured before handler code ran, and {@code shared} (runtime.js's
   * exports for it, such as its EventEmitter). Call inside a JS turn.
   */
  public Value load(Value timers, Value shared) {
    if (js == null) {
      js = Context.getCurrent().eval(SCRIPT).execute(bridge(), timers, shared);
    }
    return js;
  }

  /** Outbound requests started and not yet delivered to JS. */
  public int pending() {
    return pending.size();
  }

  /** Whether the request is still waited for (false once JS aborted it). */
  public boolean isPending(Settled settled) {
    return pending.containsKey(settled.id());
  }

  /** Resolves or rejects the request's promise in JS; call inside a JS turn. */
  public void deliver(Settled settled) {
    if (pending.remove(settled.id()) == null) {
      return;
    }
    if (settled.error() != null) {
      js.invokeMember("settle", settled.id(), settled.error().getMessage(), settled.error().code());
      return;
    }
    OutboundResponse r = settled.response();
    Object[] flat = new Object[r.headers().size() * 2];
    for (int i = 0; i < r.headers().size(); i++) {
      flat[2 * i] = r.headers().get(i).name();
      flat[2 * i + 1] = r.headers().get(i).value();
    }
    js.invokeMember(
        "settle", settled.id(), null, null, r.status(), r.statusText(), r.url(), r.redirected(),
        ProxyArray.fromArray(flat), ByteBuffer.wrap(r.body()));
  }

  /** Aborts every pending request: the invocation ended. */
  public void cancelAll() {
    pending.values().forEach(OutboundClient.Exchange::cancel);
    pending.clear();
    if (anonymous) {
      client.closeIdle(tenant);
    }
  }

  private ProxyObject bridge() {
    Map<String, Object> bridge = new HashMap<>();
    bridge.put("start", (ProxyExecutable) this::start);
    bridge.put("abort", (ProxyExecutable) args -> abort(args[0].asInt()));
    bridge.put("decode", (ProxyExecutable) args -> decode(args[0], args[1].asString()));
    bridge.put("encode", (ProxyExecutable) args -> ByteBuffer.wrap(args[0].asString().getBytes(StandardCharsets.UTF_8)));
    return ProxyObject.fromMap(bridge);
  }

  /** start(method, url, [name, value, ...], [string | ArrayBuffer, ...], redirect): an id, or {error, code}. */
  private Object start(Value... args) {
    try {
      if (started >= maxRequests) {
        throw new OutboundException(
            OutboundException.Kind.TOO_MANY_REQUESTS,
            "more than " + maxRequests
                + " outbound requests in one invocation (renga.sandbox.outbound.max-requests)");
      }
      String method = args[0].asString().toUpperCase(Locale.ROOT);
      URI uri = parseUrl(args[1].asString());
      List<Header> headers = new ArrayList<>();
      Value flat = args[2];
      for (long i = 0; i + 1 < flat.getArraySize(); i += 2) {
        headers.add(new Header(flat.getArrayElement(i).asString(), flat.getArrayElement(i + 1).asString()));
      }
      byte[] body = body(args[3]);
      var redirect = OutboundRequest.Redirect.valueOf(args[4].asString().toUpperCase(Locale.ROOT));
      started++;
      int id = nextId++;
      OutboundClient.Exchange exchange = client.send(tenant, new OutboundRequest(method, uri, headers, body, redirect), policy, received);
      pending.put(id, exchange);
      whenSettled.accept(exchange.result().handle((response, failure) -> new Settled(id, response, unwrap(failure))));
      return id;
    } catch (OutboundException e) {
      return ProxyObject.fromMap(Map.of("error", e.getMessage(), "code", e.code()));
    }
  }

  private Object abort(int id) {
    OutboundClient.Exchange exchange = pending.remove(id);
    if (exchange != null) {
      exchange.cancel();
    }
    return null;
  }

  private static URI parseUrl(String url) {
    int fragment = url.indexOf('#');
    String target = fragment >= 0 ? url.substring(0, fragment) : url;
    URI uri;
    try {
      uri = new URI(target);
    } catch (URISyntaxException e) {
      throw new OutboundException(OutboundException.Kind.INVALID, "Invalid URL: " + url);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new OutboundException(OutboundException.Kind.INVALID, "only absolute http(s) URLs can be requested: " + url);
    }
    if (uri.getRawUserInfo() != null) {
      throw new OutboundException(OutboundException.Kind.INVALID, "URLs with credentials are not supported: " + url);
    }
    return uri;
  }

  private static byte[] body(Value parts) {
    if (parts.isNull()) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long i = 0; i < parts.getArraySize(); i++) {
      Value part = parts.getArrayElement(i);
      if (part.isString()) {
        out.writeBytes(part.asString().getBytes(StandardCharsets.UTF_8));
      } else if (part.hasBufferElements()) {
        byte[] bytes = new byte[Math.toIntExact(part.getBufferSize())];
        part.readBuffer(0, bytes, 0, bytes.length);
        out.writeBytes(bytes);
      } else {
        throw new OutboundException(OutboundException.Kind.INVALID, "a body must be a string, an ArrayBuffer or a typed array");
      }
    }
    return out.toByteArray();
  }

  /** Bytes (a response body JS got in settle, or an ArrayBuffer) as text in a Node encoding name. */
  private static String decode(Value buffer, String encoding) {
    byte[] bytes = new byte[Math.toIntExact(buffer.getBufferSize())];
    buffer.readBuffer(0, bytes, 0, bytes.length);
    return switch (encoding.toLowerCase(Locale.ROOT)) {
      case "base64" -> Base64.getEncoder().encodeToString(bytes);
      case "base64url" -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      case "hex" -> HexFormat.of().formatHex(bytes);
      case "latin1", "binary" -> new String(bytes, StandardCharsets.ISO_8859_1);
      case "ascii" -> new String(bytes, StandardCharsets.US_ASCII);
      case "utf16le", "utf-16le", "ucs2", "ucs-2" -> new String(bytes, StandardCharsets.UTF_16LE);
      default -> new String(bytes, charset(encoding));
    };
  }

  private static Charset charset(String name) {
    try {
      return Charset.forName(name);
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  private static OutboundException unwrap(Throwable failure) {
    if (failure == null) {
      return null;
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause instanceof OutboundException outbound
        ? outbound
        : new OutboundException(OutboundException.Kind.NETWORK, String.valueOf(cause.getMessage()));
  }

  private static Source script(String name) {
    try (InputStream in = OutboundCalls.class.getResourceAsStream(name)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Source.newBuilder("js", text, dev.renga.node.sandbox.JsEngine.RUNTIME_PREFIX + name).buildLiteral();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
