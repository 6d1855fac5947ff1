package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.node.testing.FixtureServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three node JVMs under launchers and two gateways on loopback: handler affinity through either gateway, bounded
 * load under concurrency, and a node killed with kill -9 leaving routing and coming back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEndToEndTest {
  private static final int NODES = 3;
  private static final RengaProcesses renga = new RengaProcesses(false);
  private static final FixtureServer fixtures = new FixtureServer();
  private static final List<String> gateways = new ArrayList<>();
  private static final List<String> gatewayAdmins = new ArrayList<>();
  private static final List<String> nodeAdmins = new ArrayList<>();

  @BeforeAll
  static void start() {
    int seedPort = RengaProcesses.freePort();
    String seeds = "127.0.0.1:" + seedPort;
    for (int g = 0; g < 2; g++) {
      int http = RengaProcesses.freePort();
      int admin = RengaProcesses.freePort();
      renga.gateway("cluster-gateway-" + g, g == 0 ? seedPort : RengaProcesses.freePort(), http, admin, seeds, Map.of());
      gateways.add("http://127.0.0.1:" + http);
      gatewayAdmins.add("http://127.0.0.1:" + admin);
    }
    for (int n = 0; n < NODES; n++) {
      int admin = RengaProcesses.freePort();
      nodeAdmins.add("http://127.0.0.1:" + admin);
      renga.launchedNode("cluster-node-" + n, seeds, Map.of("renga.node.admin.port", Integer.toString(admin)));
    }
    renga.await("both gateways route to the three nodes", Duration.ofSeconds(120), () -> allRouted(NODES));
  }

  @AfterAll
  static void stop() {
    renga.close();
    fixtures.close();
  }

  private static boolean allRouted(int count) {
    return gatewayAdmins.stream().allMatch(admin -> renga.status(admin + "/readyz") == 200 && routed(admin).size() == count);
  }

  /** The addresses of the nodes a gateway routes to. */
  private static Set<String> routed(String gatewayAdmin) {
    Set<String> routed = new TreeSet<>();
    for (var node : renga.json(gatewayAdmin + "/admin/nodes").get("nodes")) {
      if (node.path("routed").asBoolean()) {
        routed.add(node.get("address").asText());
      }
    }
    return routed;
  }

  /** Requests each node JVM has started so far. */
  private static long[] started() {
    long[] started = new long[NODES];
    for (int n = 0; n < NODES; n++) {
      started[n] = renga.json(nodeAdmins.get(n) + "/admin/status").get("started").asLong();
    }
    return started;
  }

  private static String handler(String fixture, String variant) {
    return fixtures.url(fixture) + "?v=" + variant;
  }

  @Test
  @Order(1)
  void eachHandlerStaysOnOneNodeThroughEitherGatewayAndHandlersReachEveryNode() {
    Set<Integer> reached = new HashSet<>();
    int handlers = 0;
    // Enough handler URLs that every node ranks first for some (bounded: 40 URLs miss a node with p < 1e-6).
    for (int h = 0; h < 40 && (reached.size() < NODES || handlers < 8); h++, handlers++) {
      String handler = handler("hello.js", "affinity-" + h);
      long[] before = started();
      for (int i = 0; i < 3; i++) {
        for (String gateway : gateways) {
          var result = Load.one(Load.request(gateway, handler));
          assertEquals(200, result.status(), result.body());
        }
      }
      long[] after = started();
      List<Integer> servedBy = new ArrayList<>();
      for (int n = 0; n < NODES; n++) {
        if (after[n] > before[n]) {
          servedBy.add(n);
        }
      }
      assertEquals(1, servedBy.size(), handler + " served by nodes " + servedBy + ": one node for both gateways");
      assertEquals(6, after[servedBy.get(0)] - before[servedBy.get(0)]);
      reached.add(servedBy.get(0));
    }
    assertEquals(NODES, reached.size(), "every node ranks first for some handler");
    System.out.printf("cluster: %d handler URLs, each served by a single node through both gateways; nodes reached %s%n", handlers, reached);
  }

  @Test
  @Order(2)
  void concurrentLoadOnOneHandlerSpreadsOverTheNodesWithinTheBound() throws Exception {
    int concurrency = 24;
    int requests = concurrency * 8;
    long bound = (long) Math.ceil(1.25 * concurrency / NODES + 1);
    String handler = handler("slow.js", "spread");
    long[] before = started();
    var load = Load.runInBackground(requests, concurrency, i -> Load.request(gateways.get(0) + "/?ms=400", handler));
    AtomicInteger maxOnOneNode = new AtomicInteger();
    AtomicInteger samples = new AtomicInteger();
    renga.await(
        "the load is answered",
        Duration.ofSeconds(90),
        () -> {
          for (var node : renga.json(gatewayAdmins.get(0) + "/admin/nodes").get("nodes")) {
            maxOnOneNode.accumulateAndGet(node.path("gatewayInFlight").asInt(), Math::max);
          }
          samples.incrementAndGet();
          return load.isDone();
        });
    var results = load.get(10, TimeUnit.SECONDS);
    assertTrue(results.stream().allMatch(Load.Result::ok), results.stream().filter(r -> !r.ok()).limit(3).toList().toString());
    long[] after = started();
    long[] served = new long[NODES];
    long most = 0;
    for (int n = 0; n < NODES; n++) {
      served[n] = after[n] - before[n];
      most = Math.max(most, served[n]);
    }
    System.out.printf(
        "cluster: %d requests for one handler at concurrency %d: served per node %s; at most %d in flight on one node"
            + " (%d samples), bound ceil(1.25 x %d/%d + 1) = %d%n",
        requests, concurrency, java.util.Arrays.toString(served), maxOnOneNode.get(), samples.get(), concurrency, NODES, bound);
    assertTrue(maxOnOneNode.get() > 0, "/admin/nodes shows this gateway's in-flight on each node (gatewayInFlight)");
    for (int n = 0; n < NODES; n++) {
      assertTrue(served[n] > 0, "node " + n + " took part: " + java.util.Arrays.toString(served));
    }
    // Affinity alone would put all on one node; the bound keeps the first-ranked node near bound/concurrency.
    assertTrue(most < requests * 0.6, "the first-ranked node served " + most + " of " + requests);
    // The gateway counts a request until its actor stops, a moment after the client got the answer and sent the next
    // one, so the total (and the bound with it) can run a node or so above the concurrency; and requests picked at the
    // same moment on different threads (a burst of answers sends a burst of new requests) can each take the last
    // place within the bound. The exact bound per pick is NodeRouterTest's; here: far below affinity's all-on-one.
    long slack = bound + NODES + 2;
    assertTrue(maxOnOneNode.get() <= slack, "at most " + maxOnOneNode.get() + " in flight on one node, bound " + bound);
  }

  @Test
  @Order(3)
  void killedNodeLeavesRoutingWithinTheFailureDetectorsTimeAndIsBackAfterItsRestart() {
    String victimAdmin = nodeAdmins.get(0);
    var status = renga.json(victimAdmin + "/admin/status");
    long victimPid = status.get("pid").asLong();
    String victim = status.get("address").asText();
    assertTrue(gatewayAdmins.stream().allMatch(admin -> routed(admin).contains(victim)), "routed before the kill");

    long killedAt = System.nanoTime();
    ProcessHandle.of(victimPid).orElseThrow().destroyForcibly();
    renga.await(
        "neither gateway routes to the killed node",
        Duration.ofSeconds(20),
        () -> gatewayAdmins.stream().noneMatch(admin -> routed(admin).contains(victim)));
    long unroutedMs = millisSince(killedAt);

    // Meanwhile the other two serve every handler, whichever node it ranked first.
    for (int h = 0; h < 6; h++) {
      for (String gateway : gateways) {
        var result = Load.one(Load.request(gateway, handler("hello.js", "after-kill-" + h)));
        assertEquals(200, result.status(), result.body());
      }
    }

    renga.await(
        "a new node JVM is ready in the victim's place",
        Duration.ofSeconds(40),
        () -> renga.status(victimAdmin + "/readyz") == 200 && renga.json(victimAdmin + "/admin/status").get("pid").asLong() != victimPid);
    long readyMs = millisSince(killedAt);
    renga.await("both gateways route to three nodes again", Duration.ofSeconds(40), () -> allRouted(NODES));
    long routedMs = millisSince(killedAt);
    renga.await(
        "the killed member is removed from the cluster",
        Duration.ofSeconds(40),
        () -> gatewayAdmins.stream().allMatch(admin -> !renga.json(admin + "/admin/nodes").toString().contains(victim)));
    long removedMs = millisSince(killedAt);

    System.out.printf(
        "cluster: kill -9 of a node: out of routing on both gateways after %d ms; new node JVM ready after %d ms;"
            + " routed by both gateways after %d ms; old member removed (split-brain resolver) after %d ms%n",
        unroutedMs, readyMs, routedMs, removedMs);
    assertTrue(unroutedMs < 10_000, "left routing only after " + unroutedMs + " ms");
    assertTrue(routedMs < 30_000, "back in routing only after " + routedMs + " ms");
  }

  private static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }
}
