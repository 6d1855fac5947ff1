package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.renga.node.testing.FixtureServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node at its request quota is replaced before it leaves (its launcher promotes the standby, the old node drains only
 * once the new one is routed; past its hard ceiling it waits for that too), so recycles never take capacity away: with
 * the gateway's default queue timeout, not one request waits for a node long enough to fail, even when both nodes
 * recycle every few seconds.
 */
class MakeBeforeBreakEndToEndTest {
  private static final RengaProcesses renga = new RengaProcesses(false);
  private static final FixtureServer fixtures = new FixtureServer();
  private static final List<String> NODES = List.of("mbb-node-0", "mbb-node-1");
  private static String gateway;
  /** What a node logs when it leaves because its replacement is routed. */
  static final String HANDOVER = "replacement routed: draining";
  /** What a node logs when it leaves with no replacement routed (its replacement JVM never joined). */
  static final String WITHOUT_REPLACEMENT = "recycling without one";

  @BeforeAll
  static void start() {
    // The gateway's defaults (a request waits 10 s at most for a node): the point is that nothing needs to wait.
    gateway = renga.recyclingCluster("mbb-gateway", Map.of(), NODES, 40).url();
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
   * Load in batches of 40 until both nodes have been replaced before leaving and at least 400 requests were sent: at
   * this quota the requests outrun the replacements, so a fixed 400 would end before the first handover.
   */
  @Test
  void hundredsOfRequestsAtAQuotaOfFortyOnTwoNodesAllSucceedThroughRecycles() {
    List<Load.Result> results =
        Load.until(400, 40, 8, i -> Load.request(gateway, fixtures.url("hello.js")), () -> count(HANDOVER) >= 2,
            Duration.ofMinutes(4), "two make-before-break recycles");
    var failed = results.stream().filter(r -> !r.ok()).toList();
    System.out.printf(
        "make-before-break: %d requests at 8, %d failed, %d handovers, %d hard ceilings, p50 %d ms, p99 %d ms, max %d ms%n",
        results.size(), failed.size(), count(HANDOVER), count("hard request ceiling"), Load.percentile(results, 50),
        Load.percentile(results, 99), Load.percentile(results, 100));
    assertEquals(List.of(), failed);
    // At this quota the nodes pass their ceilings before their replacements join: they must wait for them, not leave.
    assertEquals(0, count(WITHOUT_REPLACEMENT), "a node left before its replacement was routed");
  }
}
