package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.node.testing.FixtureServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nodes restart their JVMs after a request quota, and not one request is lost or failed by it. */
class RecycleEndToEndTest {
  private static final RengaProcesses renga = new RengaProcesses(false);
  private static final FixtureServer fixtures = new FixtureServer();
  private static final List<String> NODES = List.of("recycle-node-0", "recycle-node-1");
  private static String gateway;

  @BeforeAll
  static void start() {
    var started =
        renga.seedGateway("recycle-gateway", Map.of("renga.gateway.queue.timeout", "60s", "renga.gateway.node-timeout", "60s"));
    gateway = started.url();
    for (String node : NODES) {
      // Generous time limits: this test is about recycling losing nothing, not about slow machines timing out.
      renga.launchedNode(
          node,
          started.seeds(),
          Map.of("renga.node.max-requests", "50", "renga.node.js-threads", "4", "renga.sandbox.request-timeout", "30s"));
    }
    renga.awaitRouted(started, 2);
  }

  @AfterAll
  static void stop() {
    renga.close();
    fixtures.close();
  }

  private static int recycles() {
    Pattern recycled = Pattern.compile("exited 0 after");
    return NODES.stream().mapToInt(n -> (int) recycled.matcher(RengaProcesses.log(n)).results().count()).sum();
  }

  @Test
  void thousandRequestsThroughNodesRecyclingEveryFiftyAllSucceed() {
    long start = System.nanoTime();
    var results = Load.run(1000, 16, i -> Load.request(gateway, fixtures.url("hello.js")));
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    var failed = results.stream().filter(r -> !r.ok()).toList();
    assertEquals(List.of(), failed);
    assertEquals(1000, results.size());
    int recycles = recycles();
    System.out.printf("recycle: 1000 requests at 16 in %d s, %d recycles, p50 %d ms, p99 %d ms, max %d ms%n",
        seconds, recycles, Load.percentile(results, 50), Load.percentile(results, 99), Load.percentile(results, 100));
    assertTrue(recycles >= 15, "only " + recycles + " recycles");
  }
}
