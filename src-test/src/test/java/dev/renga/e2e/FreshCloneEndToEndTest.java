package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.renga.node.testing.FixtureServer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What docs/OPERATIONS.md describes for one machine, on a fresh clone: a gateway and three nodes started with
 * `bin/renga` at the same moment, before anything is built. The four commands share one build (bin/renga serializes
 * it with a lock; the other three wait, then start on what it built) and all come up.
 */
class FreshCloneEndToEndTest {
  private static final File LOGS = new File(System.getProperty("renga.e2e.logs", "target/e2e-logs"));
  /** The checkout the tests run in (its conf/ directory is the one the other tests use). */
  private static final Path CHECKOUT =
      Path.of(System.getProperty("renga.e2e.conf", "../conf")).toAbsolutePath().normalize().getParent();

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final RengaProcesses admin = new RengaProcesses(false);

  @Test
  void aGatewayAndThreeNodesStartedAtOnceOnAFreshCloneAllComeUp() throws Exception {
    Path clone = Files.createTempDirectory("renga-fresh-clone");
    List<Process> started = new ArrayList<>();
    try (FixtureServer fixtures = new FixtureServer()) {
      Process git =
          new ProcessBuilder("git", "clone", "--quiet", CHECKOUT.toString(), clone.toString())
              .redirectErrorStream(true)
              .redirectOutput(log("fresh-clone-git"))
              .start();
      assertEquals(0, git.waitFor(2, TimeUnit.MINUTES) ? git.exitValue() : -1, "git clone of " + CHECKOUT);

      int cluster = RengaProcesses.freePort();
      int http = RengaProcesses.freePort();
      int adminPort = RengaProcesses.freePort();
      Map<String, String> env = new HashMap<>();
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.put("RENGA_SEED_NODES", "127.0.0.1:" + cluster);
      env.put("RENGA_CLUSTER_NAME", "renga-fresh-clone-" + ProcessHandle.current().pid());
      // Every JVM these commands start exits when the test JVM does, whatever happens to the test.
      env.put("RENGA_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
      // Cheap JVMs: no AOT cache to record, nodes interpret JavaScript, small heaps.
      env.put("RENGA_AOT", "off");
      env.put("RENGA_NODE_COMPILE", "off");
      env.put("RENGA_NODE_JAVA_OPTS", "-Xms64m -Xmx384m");
      env.put("RENGA_GATEWAY_JAVA_OPTS", "-Xms64m -Xmx256m");

      Map<String, String> gatewayEnv = new HashMap<>(env);
      gatewayEnv.put("RENGA_PORT", Integer.toString(cluster));
      gatewayEnv.put("RENGA_HTTP_PORT", Integer.toString(http));
      gatewayEnv.put("RENGA_ADMIN_PORT", Integer.toString(adminPort));
      Map<String, String> nodeEnv = new HashMap<>(env);
      nodeEnv.put("RENGA_PORT", "0");
      // All four at once: nothing is built yet in the clone.
      started.add(start(clone, gatewayEnv, "fresh-clone-gateway", "gateway",
          "-Drenga.gateway.http.host=127.0.0.1", "-Drenga.gateway.admin.host=127.0.0.1"));
      for (int i = 1; i <= 3; i++) {
        started.add(start(clone, nodeEnv, "fresh-clone-node-" + i, "node",
            "-Drenga.node.warm-up.budget=0s", "-Drenga.node.warm-up-contexts=5"));
      }

      String adminUrl = "http://127.0.0.1:" + adminPort;
      await(started, "the gateway routes to the three nodes", Duration.ofMinutes(12),
          () -> admin.status(adminUrl + "/readyz") == 200 && admin.routedNodes(adminUrl + "/admin/nodes") == 3);
      HttpResponse<String> hello =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/"))
                  .header("x-haiku-handler", fixtures.url("hello.js"))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, hello.statusCode(), hello.body());
      assertEquals(1, builds(), "one of the four commands built; the others waited for it");
    } finally {
      stop(started);
      deleteTree(clone);
    }
  }

  private static File log(String name) {
    LOGS.mkdirs();
    return new File(LOGS, name + ".log");
  }

  private static Process start(Path clone, Map<String, String> env, String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(clone.resolve("bin/renga").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(clone.toFile()).redirectErrorStream(true).redirectOutput(log(name));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** How many of the four logs say that command built the clone. */
  private static long builds() throws IOException {
    long builds = 0;
    for (String name : List.of("fresh-clone-gateway", "fresh-clone-node-1", "fresh-clone-node-2", "fresh-clone-node-3")) {
      if (Files.readString(log(name).toPath()).contains("renga: building")) {
        builds++;
      }
    }
    return builds;
  }

  private static void await(List<Process> started, String what, Duration timeout, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      for (Process process : started) {
        if (!process.isAlive()) {
          throw new AssertionError("a bin/renga command exited (" + process.exitValue() + ") before " + what + "; see " + LOGS);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what + "; see " + LOGS);
      }
      Thread.sleep(500); // polling interval of a bounded wait
    }
  }

  /** SIGTERM to each command and every process under it (launchers, node JVMs, a Maven build), SIGKILL if need be. */
  private static void stop(List<Process> started) throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>();
    for (Process process : started) {
      all.addAll(process.descendants().toList());
      all.add(process.toHandle());
    }
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    for (ProcessHandle handle : all) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        handle.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
