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
 * Memory bombs whose allocation budget is larger than the node's whole heap: only the heap guard stands between them
 * and an out-of-memory exit. It stops them with memory-limit, the node JVM survives, and a good tenant's requests
 * running beside them succeed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeapGuardEndToEndTest {
  private static final RengaProcesses renga = new RengaProcesses();
  private static final FixtureServer fixtures = new FixtureServer();
  private static String gateway;
  private static String nodeAdmin;

  @BeforeAll
  static void start() {
    int node = RengaProcesses.freePort();
    var started = renga.seedGateway("heap-guard-gateway", Map.of());
    gateway = started.url();
    nodeAdmin = "http://127.0.0.1:" + node;
    renga.launchedNode(
        List.of(),
        "heap-guard-node",
        started.seeds(),
        Map.of(
            "renga.node.admin.port", Integer.toString(node),
            "renga.node.js-threads", "4",
            "renga.sandbox.cpu-limit", "20s",
            "renga.sandbox.request-timeout", "20s",
            "renga.sandbox.memory-limit", "8g"),
        List.of("-Xmx384m"));
    renga.awaitRouted(started, 1);
  }

  @AfterAll
  static void stop() {
    renga.close();
    fixtures.close();
  }

  // First: the bombs of the other test leave the heap full of garbage for a while, and the guard would stop the hoarder
  // while it allocates, before it waits.
  @Test
  @Order(1)
  void requestHoldingMemoryWhileItWaitsIsStoppedWhenTheHeapFills() throws Exception {
    var hoarder = java.util.concurrent.CompletableFuture.supplyAsync(() -> Load.one(Load.request(gateway, fixtures.url("hoards-then-waits.js"))));
    renga.await(
        "the hoarder holds its memory and waits on its timer",
        Duration.ofSeconds(30),
        () -> RengaProcesses.log("heap-guard-node").contains("hoarded 96 MiB"));
    // Another request fills the heap: the guard stops it, and the waiting request that holds 96 MiB too.
    var bomb = Load.one(Load.request(gateway, fixtures.url("memory-bomb.js")));
    assertEquals("memory-limit", bomb.error(), bomb.toString());
    var held = hoarder.get(60, TimeUnit.SECONDS);
    assertEquals(500, held.status(), held.toString());
    assertEquals("memory-limit", held.error(), held.toString());
    assertTrue(held.body().contains("heap"), held.body());
    assertTrue(held.millis() < 15_000, "stopped while it waited, not answered after its timer: " + held.millis() + " ms");
  }

  @Test
  @Order(2)
  void bombsLargerThanTheHeapGetMemoryLimitAndTheNodeSurvives() throws Exception {
    long pid = renga.json(nodeAdmin + "/admin/status").get("pid").asLong();
    var good = Load.runInBackground(200, 2, i -> Load.request(gateway, fixtures.url("hello.js")));
    var bombs = Load.run(9, 3, i -> Load.request(gateway, fixtures.url("memory-bomb.js")));
    var served = good.get(120, TimeUnit.SECONDS);

    assertTrue(
        bombs.stream().allMatch(r -> r.status() == 500 && "memory-limit".equals(r.error()) && r.body().contains("heap")),
        bombs.toString());
    assertEquals(List.of(), served.stream().filter(r -> !r.ok()).toList());
    assertEquals(pid, renga.json(nodeAdmin + "/admin/status").get("pid").asLong(), "the node JVM was replaced");
    assertTrue(!RengaProcesses.log("heap-guard-node").contains("OutOfMemoryError"), "the node ran out of memory");
    System.out.printf(
        "heap guard: %d bombs stopped (p50 %d ms); good tenant p50 %d ms p99 %d ms, 0 errors%n",
        bombs.size(), Load.percentile(bombs, 50), Load.percentile(served, 50), Load.percentile(served, 99));
  }
}
