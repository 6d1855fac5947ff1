package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.node.testing.FixtureServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What bad handlers do to a cluster of real node JVMs under their launchers: they end with their own error, and
 * everything else keeps working.
 */
class NodeFailuresEndToEndTest {
  private static final Duration CPU_LIMIT = Duration.ofMillis(300);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
  private static final RengaProcesses renga = new RengaProcesses();
  private static final FixtureServer fixtures = new FixtureServer();
  private static String gateway;
  private static List<String> nodeAdmins;

  @BeforeAll
  static void start() {
    var started = renga.seedGateway("failures-gateway", Map.of());
    gateway = started.url();
    nodeAdmins = List.of("http://127.0.0.1:" + RengaProcesses.freePort(), "http://127.0.0.1:" + RengaProcesses.freePort());
    for (int i = 0; i < nodeAdmins.size(); i++) {
      renga.launchedNode(
          "failures-node-" + i,
          started.seeds(),
          Map.of(
              "renga.node.admin.port", nodeAdmins.get(i).substring(nodeAdmins.get(i).lastIndexOf(':') + 1),
              "renga.node.js-threads", "8",
              "renga.sandbox.cpu-limit", CPU_LIMIT.toMillis() + "ms",
              "renga.sandbox.request-timeout", REQUEST_TIMEOUT.toMillis() + "ms",
              "renga.sandbox.memory-limit", "64m"));
    }
    renga.awaitRouted(started, 2);
  }

  @AfterAll
  static void stop() {
    renga.close();
    fixtures.close();
  }

  private static HttpRequest call(String fixture) {
    return Load.request(gateway, fixtures.url(fixture));
  }

  private static Set<Long> nodePids() {
    return nodeAdmins.stream().map(n -> renga.json(n + "/admin/status").get("pid").asLong()).collect(Collectors.toSet());
  }

  private static int nodeThreads() {
    return nodeAdmins.stream().mapToInt(n -> renga.json(n + "/admin/status").get("threads").asInt()).sum();
  }

  @Test
  void launchedNodesCompileJavaScript() {
    for (int i = 0; i < nodeAdmins.size(); i++) {
      String log = RengaProcesses.log("failures-node-" + i);
      assertTrue(log.contains(" on GraalVM CE "), "failures-node-" + i + " runs GraalJS interpreted");
    }
  }

  @Test
  void fiftyGoodRequestsSucceedWhileFiftyThrowingOnesRunBesideThem() {
    var results = Load.run(100, 32, i -> call(i % 2 == 0 ? "hello.js" : "throws.js"));
    var good = results.stream().filter(r -> r.body().startsWith("Hello")).count();
    var thrown = results.stream().filter(r -> r.status() == 500 && "exception".equals(r.error())).count();
    assertEquals(50, good, results.toString());
    assertEquals(50, thrown, results.toString());
  }

  @Test
  void infiniteLoopIsStoppedWithinItsLimitAndLeavesNoThreadBehind() {
    var warm = Load.run(20, 1, i -> call("hello.js"));
    var single = Load.one(call("loop.js"));
    assertEquals(500, single.status());
    assertTrue(Set.of("cpu-limit", "timeout").contains(single.error()), single.toString());
    assertTrue(single.millis() < REQUEST_TIMEOUT.plusSeconds(1).toMillis(), single.toString());

    int threadsBefore = nodeThreads();
    var loops = Load.run(100, 8, i -> call("loop.js"));
    assertTrue(loops.stream().allMatch(r -> r.status() == 500 && Set.of("cpu-limit", "timeout").contains(r.error())), loops.toString());
    int threadsAfter = nodeThreads();
    // Pools may start a few threads on demand; a thread left behind per cancelled loop would add 100.
    assertTrue(threadsAfter <= threadsBefore + 16, "threads grew from " + threadsBefore + " to " + threadsAfter);

    var after = Load.run(20, 1, i -> call("hello.js"));
    assertTrue(after.stream().allMatch(Load.Result::ok), after.toString());
    long before50 = Load.percentile(warm, 50);
    long after50 = Load.percentile(after, 50);
    assertTrue(after50 <= before50 * 5 + 200, "hello p50 " + before50 + " ms before, " + after50 + " ms after 100 loops");
    System.out.printf("loop: one stopped after %d ms (%s); 100 loops at 8: threads %d -> %d; hello p50 %d -> %d ms%n",
        single.millis(), single.error(), threadsBefore, threadsAfter, before50, after50);
  }

  @Test
  void catastrophicRegexIsHarmlessOrStoppedAtTheCpuLimit() {
    var linear = Load.one(call("redos.js"));
    assertEquals(200, linear.status(), linear.toString());
    assertEquals("false", linear.body());
    var backtracking = Load.one(call("redos-backreference.js"));
    assertEquals(500, backtracking.status(), backtracking.toString());
    assertEquals("cpu-limit", backtracking.error(), backtracking.toString());
  }

  @Test
  void deeplyNestedJsonIsStoppedAndTheNodeKeepsServing() {
    String bomb = "[".repeat(400_000) + "]".repeat(400_000);
    var result =
        Load.one(
            HttpRequest.newBuilder(URI.create(gateway + "/"))
                .header("x-haiku-handler", fixtures.url("json-bomb.js"))
                .POST(HttpRequest.BodyPublishers.ofString(bomb))
                .build());
    assertEquals(500, result.status(), result.toString());
    assertTrue(Set.of("exception", "cpu-limit").contains(result.error()), result.toString());
    assertTrue(Load.one(call("hello.js")).ok());
  }

  @Test
  void infiniteRecursionGetsAnExceptionAndDoesNotPoisonTheEngine() {
    Set<Long> pids = nodePids();
    var recursions = Load.run(4, 4, i -> call("recursion.js"));
    assertTrue(
        recursions.stream().allMatch(r -> r.status() == 500 && "exception".equals(r.error()) && r.body().contains("RangeError")),
        recursions.toString());
    var next = Load.run(200, 8, i -> call("hello.js"));
    assertTrue(next.stream().allMatch(Load.Result::ok), next.stream().filter(r -> !r.ok()).toList().toString());
    assertEquals(pids, nodePids(), "a node restarted");
  }

  @Test
  void memoryBombGetsMemoryLimitAndTheNodeSurvives() {
    Set<Long> pids = nodePids();
    var bombs = Load.run(4, 2, i -> call("memory-bomb.js"));
    assertTrue(bombs.stream().allMatch(r -> r.status() == 500 && "memory-limit".equals(r.error())), bombs.toString());
    assertTrue(Load.run(20, 4, i -> call("hello.js")).stream().allMatch(Load.Result::ok));
    assertEquals(pids, nodePids(), "a node restarted");
  }
}
