package dev.renga.bench;

import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.PreparedContext;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
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
    PreparedContext prepared = engine.prepare();
    try (Context context = prepared.context()) {
      return Requests.run(prepared, hello);
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
    PreparedContext prepared = engine.prepare();
    try (Context context = prepared.context()) {
      return Requests.run(prepared, source);
    }
  }

  private final ArrayDeque<PreparedContext> pool = new ArrayDeque<>();
  private final ArrayDeque<PreparedContext> used = new ArrayDeque<>();

  /**
   * Fills the pool before each iteration, untimed, as the node's pool thread ({@code renga.node.context-pool}) does
   * between requests: {@link JsEngine#prepare}, the product's own preparation.
   */
  @Setup(Level.Iteration)
  public void fillPool(org.openjdk.jmh.infra.BenchmarkParams params) {
    if (params.getBenchmark().endsWith("pooledContextHello")) {
      for (int i = 0; i < POOL; i++) {
        pool.add(engine.prepare());
      }
    }
  }

  @TearDown(Level.Iteration)
  public void drainPool() {
    for (PreparedContext p : pool) {
      p.context().close();
    }
    for (PreparedContext p : used) {
      p.context().close();
    }
    pool.clear();
    used.clear();
  }

  /**
   * What a request pays with the node's context pool: take a prepared context (runtime.js already run), bind the
   * request's host bridge, evaluate the handler, run it. Closing is off the request path (a request closes its
   * context after it answered). Single-shot batches of {@value #POOL}; the score is per batch, divide by 200.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 8, batchSize = POOL)
  @Measurement(iterations = 12, batchSize = POOL)
  public int pooledContextHello() {
    PreparedContext p = pool.poll();
    used.add(p);
    return Requests.run(p, hello);
  }
}
