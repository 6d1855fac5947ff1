package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node launcher: a warm standby beside the serving node, graceful stop on SIGTERM, no orphans, backoff when a
 * node keeps crashing.
 */
class LauncherEndToEndTest {
  private static final RengaProcesses renga = new RengaProcesses(false);
  private static String seeds;
  private static String gatewayAdmin;

  @BeforeAll
  static void start() {
    int cluster = RengaProcesses.freePort();
    int admin = RengaProcesses.freePort();
    seeds = "127.0.0.1:" + cluster;
    renga.gateway("launcher-gateway", cluster, RengaProcesses.freePort(), admin, seeds, Map.of());
    gatewayAdmin = "http://127.0.0.1:" + admin;
    renga.awaitOk(gatewayAdmin + "/healthz", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    renga.close();
  }

  @Test
  void sigtermStopsTheNodeGracefullyAndLeavesNoProcessBehind() throws Exception {
    try (RengaProcesses own = new RengaProcesses(false)) {
      Process launcher = own.launchedNode("launcher-graceful", seeds, Map.of());
      own.await(
          "the node is routed to",
          Duration.ofSeconds(90),
          () -> renga.routedNodes(gatewayAdmin + "/admin/nodes") == 1);
      own.await(
          "a standby JVM beside the serving one",
          Duration.ofSeconds(60),
          // The standby says so; the first node, told to join before it read its word, may say it too.
          () -> launcher.children().count() == 2
              && Pattern.compile("standing by with a warm engine").matcher(RengaProcesses.log("launcher-graceful")).results().count() >= 1);
      List<ProcessHandle> nodes = launcher.descendants().toList();
      assertEquals(2, nodes.size(), "the serving node JVM and its standby under the launcher");

      launcher.destroy();
      assertTrue(launcher.waitFor(40, TimeUnit.SECONDS), "launcher did not stop");
      assertTrue(nodes.stream().noneMatch(ProcessHandle::isAlive), "node JVM left behind");
      assertTrue(RengaProcesses.log("launcher-graceful").contains("Exiting completed"), "node did not leave the cluster gracefully");
      renga.await(
          "the gateway drops the node",
          Duration.ofSeconds(30),
          () -> renga.json(gatewayAdmin + "/admin/nodes").get("nodes").size() == 0);
    }
  }

  @Test
  void nodeThatKeepsCrashingIsRestartedWithGrowingBackoff() throws Exception {
    try (RengaProcesses own = new RengaProcesses(false)) {
      own.launchedNode("launcher-crashing", seeds, Map.of("renga.node.js-threads", "not-a-number"));
      Pattern restart = Pattern.compile("restarting in (\\d+) ms");
      own.await(
          "three restarts",
          Duration.ofSeconds(60),
          () -> restart.matcher(RengaProcesses.log("launcher-crashing")).results().count() >= 3);
      List<Long> delays =
          restart.matcher(RengaProcesses.log("launcher-crashing")).results().map(m -> Long.parseLong(m.group(1))).limit(3).toList();
      assertEquals(List.of(500L, 1000L, 2000L), delays);
    }
  }
}
