package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.node.testing.FixtureServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Handlers stuck in host code, where cancellation cannot reach them, block every JS thread of their node: the
 * heartbeat stops, the Watchdog marks the node unhealthy, it leaves and exits, its launcher replaces it, and the
 * handler that did it is quarantined.
 */
class HeartbeatEndToEndTest {
  private static final Duration UNHEALTHY_AFTER = Duration.ofSeconds(2);
  private static final RengaProcesses renga = new RengaProcesses(false);
  private static final FixtureServer fixtures = new FixtureServer();
  private static final List<String> NODES = List.of("heartbeat-node-0", "heartbeat-node-1");
  private static String gateway;

  @BeforeAll
  static void start() {
    var started = renga.seedGateway("heartbeat-gateway", Map.of("renga.gateway.queue.timeout", "60s"));
    gateway = started.url();
    for (String node : NODES) {
      renga.launchedNode(
          node,
          started.seeds(),
          Map.of(
              "renga.node.js-threads", "2",
              "renga.sandbox.test-capabilities", "on",
              "renga.node.heartbeat.unhealthy-after", UNHEALTHY_AFTER.toMillis() + "ms"));
    }
    renga.awaitRouted(started, 2);
  }

  @AfterAll
  static void stop() {
    renga.close();
    fixtures.close();
  }

  @Test
  void blockedDispatcherMakesTheNodeLeaveAndRestartAndTheHandlerIsQuarantined() throws Exception {
    long start = System.nanoTime();
    // Two JS threads per node, two nodes. One handler URL goes to the node that ranks first until bounded load sends
    // some to the other: of twelve at once, the second node gets four (8/4 within ceil(1.25 x mean + 1)), so both
    // dispatchers are blocked.
    var blocked =
        Load.runInBackground(12, 12, i -> Load.request(gateway, fixtures.url("block-host.js")));
    var stuck = blocked.get(60, TimeUnit.SECONDS);
    long detectedAfter = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(stuck.stream().allMatch(r -> r.status() == 502 && "node-lost".equals(r.error())), stuck.toString());

    // Meanwhile no node may be routable: a request waits in the gateway's queue for the replacements.
    var hello = Load.one(Load.request(gateway, fixtures.url("hello.js")));
    long servedAfter = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(200, hello.status(), hello.toString());

    for (String node : NODES) {
      assertTrue(RengaProcesses.log(node).contains("exited with 70"), node + " did not exit as unhealthy");
    }
    var again = Load.one(Load.request(gateway, fixtures.url("block-host.js")));
    assertEquals(503, again.status(), again.toString());
    assertEquals("quarantined", again.error());
    System.out.printf(
        "heartbeat: stuck requests answered 502 node-lost after %d ms (unhealthy-after %d ms); "
            + "hello served again after %d ms; the handler is quarantined%n",
        detectedAfter, UNHEALTHY_AFTER.toMillis(), servedAfter);
  }
}
