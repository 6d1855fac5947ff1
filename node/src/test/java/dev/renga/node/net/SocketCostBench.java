package dev.renga.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.node.NodeGuardian;
import dev.renga.node.RequestActor;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import dev.renga.node.testing.FixtureServer;
import dev.renga.node.testing.SocketServer;
import dev.renga.node.testing.TestIsolation;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a socket connect and one round trip cost a request, on loopback: sequential requests of a handler that
 * connects to an echo server, writes, reads the echo and answers, against the same number of hello-world requests.
 * Run with {@code -Dtest=SocketCostBench -Drenga.bench=true} (add {@code -Drenga.test.isolation=scope} for scope) and
 * read stdout. CPU is the whole test JVM's (echo server included).
 */
@EnabledIfSystemProperty(named = "renga.bench", matches = "true")
class SocketCostBench {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  @Test
  void connectAndOneRoundTripPerRequest() {
    ActorTestKit testKit = ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
    JsEngine engine = TestIsolation.engine(4);
    try (FixtureServer fixtures = new FixtureServer();
        SocketServer echo = new SocketServer(SocketServer.Mode.ECHO)) {
      engine.warmUp(20);
      var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
      Sandbox sandbox = new Sandbox(engine,
          new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true), testKit.system()),
          new SandboxSettings(Duration.ofSeconds(60), Duration.ofSeconds(60), 4L << 30, 1 << 20, true, false),
          new RunningTurns(), blocking);
      String level = TestIsolation.settings().level().name().toLowerCase(java.util.Locale.ROOT);
      for (int round = 0; round < 6; round++) {
        double hello = measure(testKit, sandbox, fixtures.url("hello.js"), "/", 300, null);
        double ping = measure(testKit, sandbox, fixtures.url("net/ping.js"), "/?port=" + echo.port(), 300, "ping");
        System.out.printf("%s, round %d: hello %.3f ms/request; connect + round trip %.3f ms/request (+%.3f ms)%n",
            level, round, hello, ping, ping - hello);
      }
    } finally {
      testKit.shutdownTestKit();
      engine.close();
    }
  }

  private static double measure(ActorTestKit testKit, Sandbox sandbox, String url, String path, int n, String expected) {
    long start = System.nanoTime();
    long cpu = OS.getProcessCpuTime();
    for (int i = 0; i < n; i++) {
      TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
      var invocation = new Invocation("bench-" + System.nanoTime(), url, "GET", path, "1.1", List.of(), new byte[0]);
      testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox), NodeGuardian.JS_DISPATCHER);
      var reply = assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(30)));
      if (expected != null) {
        assertEquals(expected, new String(reply.body(), StandardCharsets.UTF_8));
      }
    }
    double wall = (System.nanoTime() - start) / 1e6 / n;
    System.out.printf("  %s: wall %.3f ms/request, CPU %.0f us/request%n", url.substring(url.lastIndexOf('/') + 1), wall,
        (OS.getProcessCpuTime() - cpu) / 1e3 / n);
    return wall;
  }
}
