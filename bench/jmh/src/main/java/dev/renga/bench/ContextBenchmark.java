package dev.renga.bench;

import dev.renga.node.sandbox.JsEngine;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a request pays for its context on one node: the product's {@link JsEngine} (one shared engine, the node's
 * context options, runtime.js) on the node's own class path. Times in microseconds per request.
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    "-Xms1g", "-Xmx2g"})
public class ContextBenchmark {
  /** Contexts a pooled iteration takes; made (untimed) before the iteration, as a background pool would. */
  static final int POOL = 200;

  private JsEngine engine;
  private Source hello;
  private final AtomicLong unique = new AtomicLong();

  @Setup(Level.Trial)
  public void engine() {
    engine = new JsEngine();
    engine.warmUp(20);
    hello = engine.handler("http://127.0.0.1/hello.js", Requests.HELLO);
  }

  @TearDown(Level.Trial)
  public void closeEngine() {
    engine.close();
  }

  /** Today's request path: a fresh context, the runtime, the (cached) handler source, run, close. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 4, time = 2)
  public int freshContextHello() {
    try (Context context = engine.newContext()) {
      return Requests.run(context, Requests.runtimeFactory(engine, context), hello);
    }
  }

  /** Context creation alone: build a context from the shared engine and close it. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 4, time = 2)
  public void freshContextOnly() {
    engine.newContext().close();
  }

  /**
   * First request of a handler URL never seen before: as {@link #freshContextHello}, but the source is new every
   * time (another name and text), so it is parsed, as the first request of a new handler is (no fetch here).
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 4, time = 2)
  public int firstRequestNewHandler() {
    long n = unique.incrementAndGet();
    Source source = engine.handler("http://127.0.0.1/h" + n + ".js", Requests.HELLO + "\n// " + n);
    try (Context context = engine.newContext()) {
      return Requests.run(context, Requests.runtimeFactory(engine, context), source);
    }
  }

  /** A context taken from a pool: runtime.js either only evaluated (factory) or already run with its bridge. */
  private record Pooled(Context context, Value factory, Value runtime, Requests.Bridge bridge) {}

  private final ArrayDeque<Pooled> pool = new ArrayDeque<>();
  private final ArrayDeque<Pooled> used = new ArrayDeque<>();

  /** Fills the pool before each iteration, untimed, as a background thread would between requests. */
  @Setup(Level.Iteration)
  public void fillPool(org.openjdk.jmh.infra.BenchmarkParams params) {
    boolean initialised = params.getBenchmark().endsWith("pooledContextHello");
    for (int i = 0; i < POOL; i++) {
      Context context = engine.newContext();
      Value factory = Requests.runtimeFactory(engine, context);
      if (initialised) {
        Requests.Bridge bridge = new Requests.Bridge();
        pool.add(new Pooled(context, factory, factory.execute(bridge.proxy), bridge));
      } else {
        pool.add(new Pooled(context, factory, null, null));
      }
    }
  }

  @TearDown(Level.Iteration)
  public void drainPool() {
    for (Pooled p : pool) {
      p.context().close();
    }
    for (Pooled p : used) {
      p.context().close();
    }
    pool.clear();
    used.clear();
  }

  /**
   * A pool of contexts made ahead of time with runtime.js fully run (its host bridge bound when the context was
   * made; a product pool would bind a bridge that forwards to the request that takes the context). What the
   * request pays: take one, evaluate the handler, run it. Closing is the pool's, off the request path.
   * Single-shot batches of {@value #POOL}; the score is per batch, divide by 200.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 8, batchSize = POOL)
  @Measurement(iterations = 12, batchSize = POOL)
  public int pooledContextHello() {
    Pooled p = pool.poll();
    used.add(p);
    return Requests.runInitialised(p.context(), p.runtime(), p.bridge(), hello);
  }

  /**
   * The same pool, but only runtime.js's factory evaluated ahead of time: the request still runs runtime.js's body
   * with its own host bridge (what a pool can do without changing how runtime.js gets its bridge).
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 8, batchSize = POOL)
  @Measurement(iterations = 12, batchSize = POOL)
  public int pooledContextLateRuntime() {
    Pooled p = pool.poll();
    used.add(p);
    return Requests.run(p.context(), p.factory(), hello);
  }
}
