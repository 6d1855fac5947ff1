package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.node.testing.FixtureServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nodes restart their JVMs after a request quota, and not one request is lost, failed or delayed by it. */
class RecycleEndToEndTest {
  private static final RengaProcesses renga = new RengaProcesses(false);
  private static final FixtureServer fixtures = new FixtureServer();
  private static final List<String> NODES = List.of("recycle-node-0", "recycle-node-1");
  private static String gateway;

  @BeforeAll
  static void start() {
    gateway =
        renga.recyclingCluster(
                "recycle-gateway",
                Map.of("renga.gateway.queue.timeout", "60s", "renga.gateway.node-timeout", "60s"),
                NODES,
                50)
            .url();
  }

  @AfterAll
  static void stop() {
    renga.close();
    fixtures.close();
  }

  private static int count(String pattern) {
    return Load.inLogs(NODES, pattern);
  }

  /**
   * Load in batches of 100 until each node has been replaced at least once and 1,000 requests were sent. A node at its
   * quota serves on until its replacement is routed, so no request waits for a JVM start or a join: p99 under 1 s.
   */
  @Test
  void thousandRequestsThroughNodesRecyclingEveryFiftyAllSucceedWithoutWaitingForAJoin() {
    long start = System.nanoTime();
    List<Load.Result> results =
        Load.until(1000, 100, 16, i -> Load.request(gateway, fixtures.url("hello.js")),
            () -> count(MakeBeforeBreakEndToEndTest.HANDOVER) >= 2, Duration.ofMinutes(4), "two make-before-break recycles");
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    var failed = results.stream().filter(r -> !r.ok()).toList();
    assertEquals(List.of(), failed);
    long p99 = Load.percentile(results, 99);
    System.out.printf("recycle: %d requests at 16 in %d s, %d recycles (%d after a handover), p50 %d ms, p99 %d ms, max %d ms%n",
        results.size(), seconds, count("exited 0 after"), count(MakeBeforeBreakEndToEndTest.HANDOVER),
        Load.percentile(results, 50), p99, Load.percentile(results, 100));
    assertTrue(p99 < 1000, "p99 " + p99 + " ms: requests waited for a node");
  }
}
