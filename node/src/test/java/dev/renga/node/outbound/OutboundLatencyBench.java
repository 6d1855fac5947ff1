package dev.renga.node.outbound;

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
import dev.renga.node.testing.UpstreamServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fetch round trips from a handler to a local upstream; run with -Drenga.bench=true and read stdout:
 * {@code ./mvnw -B -q verify -pl core,node -Dtest=OutboundLatencyBench -Drenga.bench=true}.
 */
@EnabledIfSystemProperty(named = "renga.bench", matches = "true")
class OutboundLatencyBench {

  @Test
  void fetchRoundTripsToALocalUpstream() {
    ActorTestKit testKit =
        ActorTestKit.create(
            RengaConfig.withDefaults(
                ConfigFactory.parseString(
                    "pekko.actor.provider = local\nrenga.sandbox.outbound.max-requests = 1000")));
    JsEngine engine = new JsEngine();
    try (FixtureServer fixtures = new FixtureServer();
        UpstreamServer upstream = new UpstreamServer()) {
      engine.warmUp(20);
      var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
      Sandbox sandbox =
          new Sandbox(
              engine,
              new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true), blocking),
              new SandboxSettings(Duration.ofSeconds(60), Duration.ofSeconds(60), 4L << 30, 1 << 20, true, false),
              new RunningTurns(),
              blocking);
      String query = "url=" + URLEncoder.encode(upstream.base() + "/text", StandardCharsets.UTF_8) + "&n=100";
      OutboundClient client = OutboundClient.get(testKit.system());
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
          client
              .send(
                  new OutboundRequest("GET", java.net.URI.create(upstream.base() + "/text"), List.of(), new byte[0],
                      OutboundRequest.Redirect.FOLLOW),
                  new dev.renga.node.fetch.NetworkPolicy(true),
                  new java.util.concurrent.atomic.AtomicLong())
              .result()
              .toCompletableFuture()
              .join();
        }
        System.out.printf("round %d: 100 sequential requests from Java (no JS): mean %.2f ms%n", round,
            (System.nanoTime() - start) / 1e6 / 100);
      }
      for (int round = 0; round < 5; round++) {
        TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
        var invocation =
            new Invocation("bench-" + round, fixtures.url("outbound/fetch-loop.js"), "GET", "/?" + query, "1.1",
                List.of(), new byte[0]);
        long start = System.nanoTime();
        testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox), NodeGuardian.JS_DISPATCHER);
        var reply = assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(60)));
        long wall = (System.nanoTime() - start) / 1_000_000;
        String times = new String(reply.body(), StandardCharsets.UTF_8);
        List<Integer> sorted =
            java.util.Arrays.stream(times.replaceAll(".*\"times\":\\[(.*)\\].*", "$1").split(","))
                .map(Integer::parseInt)
                .sorted()
                .toList();
        System.out.printf(
            "round %d: 100 sequential fetches in %d ms (invocation wall %d ms): mean %.2f ms, p50 %d ms, p90 %d ms,"
                + " p99 %d ms, max %d ms%n",
            round, sorted.stream().mapToInt(Integer::intValue).sum(), wall,
            sorted.stream().mapToInt(Integer::intValue).average().orElse(0), sorted.get(49), sorted.get(89),
            sorted.get(98), sorted.get(99));
      }
    } finally {
      // The engine last: the request actors close their contexts as they stop.
      testKit.shutdownTestKit();
      engine.close();
    }
  }
}
