package dev.renga.node.sandbox;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.Header;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.node.NodeGuardian;
import dev.renga.node.RequestActor;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.testing.FixtureServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What one hello request costs the node under each isolation level: requests through the real {@link RequestActor}
 * (16 in flight), no gateway, GraalJS as the test class path runs it (interpreted); process CPU time per request and
 * requests per second, per round. Run with -Drenga.bench=true and read stdout:
 * {@code ./mvnw -B -q verify -pl core,node -Dtest=IsolationCostBench -Drenga.bench=true}; another fixture than hello.js
 * with -Drenga.bench.handler=require-stream.js, one level with -Drenga.bench.level=context.
 */
@EnabledIfSystemProperty(named = "renga.bench", matches = "true")
class IsolationCostBench {
  private static final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Heap held per waiting request (waits-forever.js: a pending timer), after GC, under each level. */
  @Test
  void heapPerWaitingRequest() throws Exception {
    int n = Integer.getInteger("renga.bench.waiting", 10_000);
    try (FixtureServer fixtures = new FixtureServer()) {
      for (Isolation.Level level : List.of(Isolation.Level.SCOPE, Isolation.Level.CONTEXT)) {
        ActorTestKit testKit =
            ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
        JsEngine engine = new JsEngine(0, Isolation.Settings.CONTEXT.withLevel(level), false);
        try {
          var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
          RunningTurns turns = new RunningTurns();
          Sandbox sandbox =
              new Sandbox(
                  engine,
                  new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true), testKit.system()),
                  new SandboxSettings(Duration.ofSeconds(600), Duration.ofSeconds(60), 4L << 30, 1 << 20, true, false),
                  turns,
                  blocking);
          long before = usedAfterGc();
          var replyTo = testKit.spawn(Behaviors.<NodeProtocol.Reply>ignore());
          for (int i = 0; i < n; i++) {
            var invocation =
                new Invocation("wait-" + i, fixtures.url("waits-forever.js"), "GET", "/", "1.1",
                    List.of(new Header("host", "bench")), new byte[0]);
            testKit.spawn(RequestActor.create(invocation, replyTo, sandbox), NodeGuardian.JS_DISPATCHER);
            while (i - turns.waiting().size() > 500) {
              Thread.sleep(1); // bounded backlog of requests not yet waiting
            }
          }
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
          while (turns.waiting().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
          }
          long after = usedAfterGc();
          System.out.printf("%s: %d waiting requests, %.1f KB of heap each%n",
              level.name().toLowerCase(), turns.waiting().size(), (after - before) / 1024.0 / n);
        } finally {
          // Thousands of request actors take a while to stop.
          ActorTestKit.shutdown(testKit.system(), Duration.ofSeconds(120), false);
          engine.close();
        }
      }
    }
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  @Test
  void helloUnderEachIsolationLevel() throws Exception {
    try (FixtureServer fixtures = new FixtureServer()) {
      String handler = System.getProperty("renga.bench.handler", "hello.js");
      for (Isolation.Level level : Isolation.Level.values()) {
        if (!level.name().equalsIgnoreCase(System.getProperty("renga.bench.level", level.name()))) {
          continue;
        }
        ActorTestKit testKit =
            ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
        JsEngine engine = new JsEngine(32, Isolation.Settings.CONTEXT.withLevel(level), false);
        try {
          engine.warmUp(20);
          var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
          Sandbox sandbox =
              new Sandbox(
                  engine,
                  new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true), testKit.system()),
                  new SandboxSettings(Duration.ofSeconds(60), Duration.ofSeconds(60), 4L << 30, 1 << 20, true, false),
                  new RunningTurns(),
                  blocking);
          for (int round = 0; round < Integer.getInteger("renga.bench.rounds", 6); round++) {
            int n = 4000;
            Semaphore inFlight = new Semaphore(16);
            CountDownLatch done = new CountDownLatch(n);
            long cpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
              inFlight.acquire();
              var invocation =
                  new Invocation("bench-" + round + "-" + i, fixtures.url(handler), "GET", "/", "1.1",
                      List.of(new Header("host", "bench")), new byte[0]);
              Behavior<NodeProtocol.Reply> reply =
                  Behaviors.receiveMessage(
                      m -> {
                        inFlight.release();
                        done.countDown();
                        return Behaviors.stopped();
                      });
              var replyTo = testKit.spawn(reply);
              testKit.spawn(RequestActor.create(invocation, replyTo, sandbox), NodeGuardian.JS_DISPATCHER);
            }
            done.await(120, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s %s round %d: %.0f req/s, %.1f us CPU per request (process, all threads)%n",
                handler, level.name().toLowerCase(), round, n / seconds, (os.getProcessCpuTime() - cpu) / 1e3 / n);
          }
        } finally {
          testKit.shutdownTestKit();
          engine.close();
        }
      }
    }
  }
}
