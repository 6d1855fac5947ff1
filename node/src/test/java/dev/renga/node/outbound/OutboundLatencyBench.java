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
import dev.renga.node.fetch.NetworkPolicy;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import dev.renga.node.testing.FixtureServer;
import dev.renga.node.testing.UpstreamServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fetch round trips from a handler to a local upstream; run with -Drenga.bench=true and read stdout:
 * {@code ./mvnw -B -q verify -pl core,node -Dtest=OutboundLatencyBench -Drenga.bench=true}. CPU is the whole test
 * JVM's (client, upstream server and JS together), per outbound request.
 */
@EnabledIfSystemProperty(named = "renga.bench", matches = "true")
class OutboundLatencyBench {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

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
              new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true), testKit.system()),
              new SandboxSettings(Duration.ofSeconds(60), Duration.ofSeconds(60), 4L << 30, 1 << 20, true, false),
              new RunningTurns(),
              blocking);
      String query = "url=" + URLEncoder.encode(upstream.base() + "/text", StandardCharsets.UTF_8) + "&n=100";
      OutboundClient client = OutboundClient.get(testKit.system());
      URI text = URI.create(upstream.base() + "/text");
      // Alternating: requests of one tenant (keep-alive connections) and requests without one (a connection each).
      for (int round = 0; round < 3; round++) {
        for (String tenant : new String[] {"https://bench.example:443", null}) {
          long start = System.nanoTime();
          long cpu = OS.getProcessCpuTime();
          for (int i = 0; i < 100; i++) {
            send(client, tenant, text).join();
          }
          System.out.printf("round %d, %s: 100 sequential requests from Java (no JS): mean %.2f ms, CPU %.0f us/request%n",
              round, mode(tenant), (System.nanoTime() - start) / 1e6 / 100, (OS.getProcessCpuTime() - cpu) / 1e3 / 100);
        }
      }
      // Saturating: 16 requests in flight at all times, as a busy node's invocations make them.
      for (int round = 0; round < 5; round++) {
        for (String tenant : new String[] {"https://bench.example:443", null}) {
          int total = 3000;
          int inFlight = 16;
          AtomicInteger left = new AtomicInteger(total);
          long start = System.nanoTime();
          long cpu = OS.getProcessCpuTime();
          List<CompletableFuture<Void>> workers = new ArrayList<>();
          for (int w = 0; w < inFlight; w++) {
            workers.add(loop(client, tenant, text, left));
          }
          CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf("round %d, %s: %d requests from Java, %d in flight: %.0f requests/s, CPU %.0f us/request%n",
              round, mode(tenant), total, inFlight, total / seconds, (OS.getProcessCpuTime() - cpu) / 1e3 / total);
        }
      }
      for (int round = 0; round < 5; round++) {
        TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
        var invocation =
            new Invocation("bench-" + round, fixtures.url("outbound/fetch-loop.js"), "GET", "/?" + query, "1.1",
                List.of(), new byte[0]);
        long start = System.nanoTime();
        long cpu = OS.getProcessCpuTime();
        testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox), NodeGuardian.JS_DISPATCHER);
        var reply = assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(60)));
        long wall = (System.nanoTime() - start) / 1_000_000;
        double cpuPerFetch = (OS.getProcessCpuTime() - cpu) / 1e3 / 100;
        String times = new String(reply.body(), StandardCharsets.UTF_8);
        List<Integer> sorted =
            java.util.Arrays.stream(times.replaceAll(".*\"times\":\\[(.*)\\].*", "$1").split(","))
                .map(Integer::parseInt)
                .sorted()
                .toList();
        System.out.printf(
            "round %d: 100 sequential fetches in one invocation in %d ms (wall %d ms): mean %.2f ms, p50 %d ms, p90 %d ms,"
                + " p99 %d ms, max %d ms; CPU %.0f us/fetch%n",
            round, sorted.stream().mapToInt(Integer::intValue).sum(), wall,
            sorted.stream().mapToInt(Integer::intValue).average().orElse(0), sorted.get(49), sorted.get(89),
            sorted.get(98), sorted.get(99), cpuPerFetch);
      }
    } finally {
      // The engine last: the request actors close their contexts as they stop.
      testKit.shutdownTestKit();
      engine.close();
    }
  }

  private static String mode(String tenant) {
    return tenant == null ? "a connection per request" : "keep-alive, one tenant";
  }

  /** A request of the tenant, or on a connection of its own for null. */
  private static CompletableFuture<OutboundResponse> send(OutboundClient client, String tenant, URI uri) {
    var request = new OutboundRequest("GET", uri, List.of(), new byte[0], OutboundRequest.Redirect.FOLLOW);
    var exchange =
        tenant == null
            ? client.send(request, new NetworkPolicy(true), new AtomicLong())
            : client.send(tenant, request, new NetworkPolicy(true), new AtomicLong());
    return exchange.result().toCompletableFuture();
  }

  /** Sends requests one after the other until none are left. */
  private static CompletableFuture<Void> loop(OutboundClient client, String tenant, URI uri, AtomicInteger left) {
    if (left.getAndDecrement() <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    return send(client, tenant, uri).thenCompose(response -> loop(client, tenant, uri, left));
  }
}
