package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.renga.node.testing.FixtureServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real network partition: one node runs in a network namespace of its own, joined to the host by a veth pair on a
 * bridge; the test cuts that link, sees the node become unreachable, leave routing and be downed by the split-brain
 * resolver, restores the link and sees a node in the namespace routed again. Needs root and {@code ip netns}; all
 * traffic stays on this machine (loopback, the bridge and the namespace).
 */
class PartitionEndToEndTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final String NAMESPACE = "rgpart" + PID;
  private static final String BRIDGE = "rgpb" + PID;
  private static final String HOST_END = "rgph" + PID;
  private static final String NAMESPACE_END = "rgpn" + PID;
  private static final Pattern OURS = Pattern.compile("rgpart(\\d+)");

  private static final RengaProcesses renga = new RengaProcesses(false);
  private static String hostIp;
  private static String namespaceIp;
  private static FixtureServer fixtures;
  private static String gateway;
  private static String gatewayAdmin;
  private static String namespaceNodeAdmin;
  private static boolean created;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        "0".equals(String.valueOf(run(false, "id", "-u")).trim()), "skipped: creating network namespaces needs root (ip netns)");
    Assumptions.assumeTrue(
        run(false, "ip", "netns", "list") != null, "skipped: the ip command with netns support is not available");
    removeLeftoversOfDeadRuns();
    String subnet = freeSubnet();
    hostIp = subnet + ".1";
    namespaceIp = subnet + ".2";
    created = true;
    String made = run(false, "ip", "netns", "add", NAMESPACE);
    Assumptions.assumeTrue(made != null, "skipped: this machine does not allow network namespaces (ip netns add failed)");
    run(true, "ip", "link", "add", BRIDGE, "type", "bridge");
    run(true, "ip", "addr", "add", hostIp + "/24", "dev", BRIDGE);
    run(true, "ip", "link", "set", BRIDGE, "up");
    run(true, "ip", "link", "add", HOST_END, "type", "veth", "peer", "name", NAMESPACE_END);
    run(true, "ip", "link", "set", HOST_END, "master", BRIDGE);
    run(true, "ip", "link", "set", HOST_END, "up");
    run(true, "ip", "link", "set", NAMESPACE_END, "netns", NAMESPACE);
    run(true, "ip", "netns", "exec", NAMESPACE, "ip", "addr", "add", namespaceIp + "/24", "dev", NAMESPACE_END);
    run(true, "ip", "netns", "exec", NAMESPACE, "ip", "link", "set", NAMESPACE_END, "up");
    run(true, "ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up");

    // Handlers are served on the bridge, so that the node in the namespace can fetch them too.
    fixtures = new FixtureServer(hostIp);
    int cluster = RengaProcesses.freePort();
    int http = RengaProcesses.freePort();
    int admin = RengaProcesses.freePort();
    String seeds = hostIp + ":" + cluster;
    renga.gateway("partition-gateway", cluster, http, admin, seeds, Map.of("pekko.remote.artery.canonical.hostname", hostIp));
    gateway = "http://127.0.0.1:" + http;
    gatewayAdmin = "http://127.0.0.1:" + admin;
    renga.launchedNode("partition-node-host", seeds, Map.of("pekko.remote.artery.canonical.hostname", hostIp));
    int namespaceAdminPort = RengaProcesses.freePort();
    namespaceNodeAdmin = "http://" + namespaceIp + ":" + namespaceAdminPort;
    renga.launchedNode(
        List.of("ip", "netns", "exec", NAMESPACE),
        "partition-node-namespace",
        seeds,
        Map.of(
            "pekko.remote.artery.canonical.hostname", namespaceIp,
            "renga.node.admin.host", namespaceIp,
            "renga.node.admin.port", Integer.toString(namespaceAdminPort)));
    renga.await(
        "the gateway routes to both nodes",
        Duration.ofSeconds(120),
        () -> renga.status(gatewayAdmin + "/readyz") == 200 && routed().size() == 2);
  }

  @AfterAll
  static void stop() {
    renga.close();
    if (fixtures != null) {
      fixtures.close();
    }
    if (created) {
      removeNetwork(NAMESPACE, BRIDGE);
    }
  }

  @Test
  void nodeCutOffByAPartitionLeavesRoutingAndIsRoutedAgainWhenTheLinkIsBack() throws Exception {
    String cutOff = routed().stream().filter(address -> address.contains("@" + namespaceIp + ":")).findFirst().orElseThrow();
    assertServed(6, "before");

    long cutAt = System.nanoTime();
    run(true, "ip", "link", "set", HOST_END, "down");
    renga.await("the cut-off node is unreachable", Duration.ofSeconds(20), () -> "unreachable".equals(stateOf(cutOff).orElse("")));
    long unreachableMs = millisSince(cutAt);
    renga.await("the gateway no longer routes to it", Duration.ofSeconds(5), () -> !routed().contains(cutOff));
    long unroutedMs = millisSince(cutAt);
    // The rest of the cluster serves every handler meanwhile, whichever node it ranked first.
    assertServed(6, "during");
    renga.await("the split-brain resolver removed it", Duration.ofSeconds(40), () -> stateOf(cutOff).isEmpty());
    long removedMs = millisSince(cutAt);

    long restoredAt = System.nanoTime();
    run(true, "ip", "link", "set", HOST_END, "up");
    renga.await(
        "a node in the namespace is routed again",
        Duration.ofSeconds(60),
        () -> routed().size() == 2 && routed().stream().anyMatch(address -> address.contains("@" + namespaceIp + ":")));
    long backMs = millisSince(restoredAt);
    String returned = routed().stream().filter(address -> address.contains("@" + namespaceIp + ":")).findFirst().orElseThrow();

    // And it serves: some handler ranks it first (each does with p = 1/2; 30 handlers miss it with p < 1e-9).
    long before = renga.json(namespaceNodeAdmin + "/admin/status").get("started").asLong();
    renga.await(
        "the node in the namespace serves requests",
        Duration.ofSeconds(30),
        () -> {
          assertServed(3, "after-" + System.nanoTime());
          return renga.json(namespaceNodeAdmin + "/admin/status").get("started").asLong() > before;
        });
    System.out.printf(
        "partition: link cut: unreachable after %d ms, out of routing after %d ms, downed and removed after %d ms;"
            + " link restored: routed again after %d ms (%s)%n",
        unreachableMs, unroutedMs, removedMs, backMs, returned.equals(cutOff) ? "same member" : "replaced by a new node JVM");
    assertTrue(unroutedMs < 15_000, "left routing only after " + unroutedMs + " ms");
  }

  /** {@code count} different handlers through the gateway, all answered by a node. */
  private static void assertServed(int count, String phase) {
    for (int h = 0; h < count; h++) {
      var result = Load.one(Load.request(gateway, fixtures.url("hello.js") + "?v=" + phase + "-" + h));
      assertEquals(200, result.status(), phase + ": " + result.body());
    }
  }

  private static List<String> routed() {
    List<String> routed = new ArrayList<>();
    for (JsonNode node : renga.json(gatewayAdmin + "/admin/nodes").get("nodes")) {
      if (node.path("routed").asBoolean()) {
        routed.add(node.get("address").asText());
      }
    }
    return routed;
  }

  /** The member's state in /admin/nodes, empty once it is no longer a member. */
  private static Optional<String> stateOf(String address) {
    for (JsonNode node : renga.json(gatewayAdmin + "/admin/nodes").get("nodes")) {
      if (node.get("address").asText().equals(address)) {
        return Optional.of(node.get("state").asText());
      }
    }
    return Optional.empty();
  }

  /** A 10.231.N.0/24 subnet no route on this machine uses (N from our pid, so parallel runs differ). */
  private static String freeSubnet() throws Exception {
    String routes = run(true, "ip", "-4", "route", "show", "table", "all");
    for (int i = 0; i < 200; i++) {
      String subnet = "10.231." + (int) ((PID + i) % 200 + 20);
      if (!routes.contains(subnet + ".")) {
        return subnet;
      }
    }
    throw new AssertionError("no free 10.231.N.0/24 subnet for the test's bridge");
  }

  /** Namespaces and bridges of earlier runs of this test whose JVM died before its clean-up. */
  private static void removeLeftoversOfDeadRuns() throws Exception {
    for (String line : run(true, "ip", "netns", "list").split("\n")) {
      Matcher matcher = OURS.matcher(line.trim().split(" ")[0]);
      if (matcher.matches() && ProcessHandle.of(Long.parseLong(matcher.group(1))).isEmpty()) {
        removeNetwork(matcher.group(0), "rgpb" + matcher.group(1));
      }
    }
  }

  private static void removeNetwork(String namespace, String bridge) {
    // Deleting the namespace deletes its end of the veth pair, and with it the host end.
    run(false, "ip", "netns", "del", namespace);
    run(false, "ip", "link", "del", bridge);
  }

  /** Runs a command (bounded by 10 s); its output, or null when it failed and {@code mustSucceed} is false. */
  private static String run(boolean mustSucceed, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // ip prints little (well under a pipe's buffer), so waiting before reading cannot block the command.
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out");
      }
      byte[] output = process.getInputStream().readAllBytes();
      if (process.exitValue() != 0) {
        throw new IOException("exit " + process.exitValue() + ": " + new String(output, StandardCharsets.UTF_8).trim());
      }
      return new String(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      if (mustSucceed) {
        throw new AssertionError(String.join(" ", command) + " failed: " + e.getMessage(), e);
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }
}
