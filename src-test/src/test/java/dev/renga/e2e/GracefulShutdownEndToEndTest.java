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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * SIGTERM is a graceful stop: a gateway stops accepting and finishes what it has in flight; a node leaves routing,
 * lets its requests end, and leaves the cluster. Not one in-flight request fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GracefulShutdownEndToEndTest {
  private static final int SLOW = 8;
  private static final RengaProcesses renga = new RengaProcesses(false);
  /** The JVMs the tests stop themselves, apart from those that must keep running. */
  private static final RengaProcesses stopped = new RengaProcesses(false);
  private static final FixtureServer fixtures = new FixtureServer();
  private static String seeds;
  private static String seedGateway;
  private static String seedAdmin;
  private static String nodeAdmin;
  private static Process nodeLauncher;

  @BeforeAll
  static void start() {
    int node = RengaProcesses.freePort();
    var started = renga.seedGateway("graceful-gateway", Map.of());
    seeds = started.seeds();
    nodeLauncher = stopped.launchedNode("graceful-node", seeds, Map.of("renga.node.admin.port", Integer.toString(node)));
    seedGateway = started.url();
    seedAdmin = started.admin();
    nodeAdmin = "http://127.0.0.1:" + node;
    renga.awaitRouted(started, 1);
  }

  @AfterAll
  static void stop() {
    stopped.close();
    renga.close();
    fixtures.close();
  }

  private static void awaitInFlightOnNode(int count) {
    renga.await(count + " requests in flight on the node", Duration.ofSeconds(30),
        () -> renga.json(nodeAdmin + "/admin/status").get("inFlight").asInt() >= count);
  }

  @Test
  @Order(1)
  void sigtermToAGatewayFinishesItsInFlightRequests() throws Exception {
    int http = RengaProcesses.freePort();
    int admin = RengaProcesses.freePort();
    Process gateway =
        stopped.gateway("graceful-second-gateway", RengaProcesses.freePort(), http, admin, seeds, Map.of());
    renga.await("the second gateway routes", Duration.ofSeconds(60),
        () -> renga.status("http://127.0.0.1:" + admin + "/readyz") == 200
            && renga.routedNodes("http://127.0.0.1:" + admin + "/admin/nodes") == 1);
    var slow = Load.runInBackground(SLOW, SLOW, i -> Load.request("http://127.0.0.1:" + http + "/?ms=3000", fixtures.url("slow.js")));
    // A streamed response too: its head is sent at once, its body over 3 s.
    var streamed =
        Load.runInBackground(1, 1, i -> Load.request("http://127.0.0.1:" + http + "/?ms=3000", fixtures.url("streams.js")));
    awaitInFlightOnNode(SLOW + 1);
    long stoppedAt = System.nanoTime();
    gateway.destroy();
    List<Load.Result> results = slow.get(60, TimeUnit.SECONDS);
    assertEquals(List.of(), results.stream().filter(r -> !r.ok()).toList());
    Load.Result stream = streamed.get(60, TimeUnit.SECONDS).get(0);
    assertEquals("first\nsecond\ndone\n", stream.body(), stream.toString());
    assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway did not exit");
    System.out.printf("graceful: gateway stopped with %d requests in flight (one streaming), all answered, exited after %d ms%n",
        SLOW + 1, Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis());
  }

  @Test
  @Order(2) // stops the node the first test needs
  void sigtermToANodeDrainsItBeforeItLeaves() throws Exception {
    var slow = Load.runInBackground(SLOW, SLOW, i -> Load.request(seedGateway + "/?ms=3000", fixtures.url("slow.js")));
    awaitInFlightOnNode(SLOW);
    long stoppedAt = System.nanoTime();
    nodeLauncher.destroy();
    List<Load.Result> results = slow.get(60, TimeUnit.SECONDS);
    assertEquals(List.of(), results.stream().filter(r -> !r.ok()).toList());
    assertTrue(nodeLauncher.waitFor(60, TimeUnit.SECONDS), "the node's launcher did not exit");
    renga.await("the gateway no longer lists the node", Duration.ofSeconds(30),
        () -> renga.json(seedAdmin + "/admin/nodes").get("nodes").size() == 0);
    assertTrue(RengaProcesses.log("graceful-node").contains("stopping: leaving routing"), "the node drained");
    System.out.printf("graceful: node stopped with %d requests in flight, all answered, gone after %d ms%n",
        SLOW, Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis());
  }
}
