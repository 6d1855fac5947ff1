package dev.renga.e2e;

import dev.renga.core.ParentProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Starts gateways and nodes as separate JVMs on loopback, on the test's own class path, and stops every one of
 * them on {@link #close()} (each also exits by itself if the test JVM dies).
 */
public final class RengaProcesses implements AutoCloseable {
  private static final String JAVA = System.getProperty("renga.e2e.java", "java");
  private static final String CLASSPATH = System.getProperty("renga.e2e.classpath");
  private static final File LOGS = new File(System.getProperty("renga.e2e.logs", "target/e2e-logs"));
  private static final String CONF = System.getProperty("renga.e2e.conf", "../conf");
  /** The isolation level nodes run under: the build runs the handler suites once per level (src-test/pom.xml). */
  private static final String ISOLATION = System.getProperty("renga.test.isolation");

  private final List<Process> processes = new ArrayList<>();
  private final boolean compile;

  /** Processes whose launched nodes compile JavaScript, as in production. */
  public RengaProcesses() {
    this(true);
  }

  /**
   * @param compile false for tests about membership and node lifecycles, whose many short-lived node JVMs would
   *     spend their CPU warming up the compiler (RENGA_NODE_COMPILE=off)
   */
  public RengaProcesses(boolean compile) {
    this.compile = compile;
  }
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A gateway JVM; cluster, HTTP and admin ports are taken from the ports given. */
  /** Where a gateway started by {@link #seedGateway} answers: its HTTP and admin base URLs, and its cluster's seed. */
  public record Gateway(String url, String admin, String seeds) {}

  /** A gateway on free loopback ports that is the seed of its own cluster. */
  public Gateway seedGateway(String name, Map<String, String> props) {
    int cluster = freePort();
    int http = freePort();
    int admin = freePort();
    String seeds = "127.0.0.1:" + cluster;
    gateway(name, cluster, http, admin, seeds, props);
    return new Gateway("http://127.0.0.1:" + http, "http://127.0.0.1:" + admin, seeds);
  }

  /** Waits until {@code gateway} is ready and routes to exactly {@code nodes} nodes. */
  public void awaitRouted(Gateway gateway, int nodes) {
    await(
        "the gateway routes to " + nodes + " node(s)",
        Duration.ofSeconds(90),
        () -> status(gateway.admin() + "/readyz") == 200 && routedNodes(gateway.admin() + "/admin/nodes") == nodes);
  }

  /**
   * A seed gateway and {@code nodes} launched nodes that recycle after {@code quota} requests, routed: the cluster the
   * recycle tests load. A replacement JVM needs 10-90 s here to start and join (two cores, beside the load), thousands
   * of requests at these quotas (over 4,000 at 40 under isolation scope), so the hard ceiling is raised far enough that
   * it does not cut in; the time limit is
   * generous too, since these tests are about recycling losing nothing, not about a slow machine timing out.
   */
  public Gateway recyclingCluster(String gatewayName, Map<String, String> gatewayProps, List<String> nodes, int quota) {
    Gateway started = seedGateway(gatewayName, gatewayProps);
    for (String node : nodes) {
      launchedNode(
          node,
          started.seeds(),
          Map.of(
              "renga.node.max-requests", Integer.toString(quota),
              "renga.node.max-requests-ceiling", "1000",
              "renga.node.js-threads", "4",
              "renga.sandbox.request-timeout", "30s"));
    }
    awaitRouted(started, nodes.size());
    return started;
  }

  public Process gateway(String name, int clusterPort, int httpPort, int adminPort, String seeds, Map<String, String> props) {
    var all = new java.util.LinkedHashMap<String, String>();
    all.put("pekko.remote.artery.canonical.port", Integer.toString(clusterPort));
    all.put("renga.gateway.http.host", "127.0.0.1");
    all.put("renga.gateway.http.port", Integer.toString(httpPort));
    all.put("renga.gateway.admin.host", "127.0.0.1");
    all.put("renga.gateway.admin.port", Integer.toString(adminPort));
    all.put("renga.seed-nodes", seeds);
    // The warm-up would spend these tests' two cores on compiling; tests that want it set a budget.
    all.put("renga.gateway.warm-up.budget", "0s");
    all.putAll(props);
    return start(name, "dev.renga.gateway.GatewayMain", all);
  }

  /** A node JVM (no launcher) joining the cluster at {@code seeds}. */
  public Process node(String name, String seeds, Map<String, String> props) {
    var all = new java.util.LinkedHashMap<String, String>();
    all.put("pekko.remote.artery.canonical.port", "0");
    all.put("renga.seed-nodes", seeds);
    all.put("renga.sandbox.network.allow-private", "true");
    isolation(all);
    all.putAll(props);
    return start(name, "dev.renga.node.NodeMain", all);
  }

  /**
   * A node under its launcher, as `bin/renga node` runs it: the launcher restarts the node JVM whenever it exits.
   * The returned process is the launcher.
   */
  public Process launchedNode(String name, String seeds, Map<String, String> props) {
    return launchedNode(List.of(), name, seeds, props);
  }

  /**
   * A node under its launcher, started through {@code prefix} (e.g. {@code ip netns exec NAME}, which runs it in a
   * network namespace); the returned process is the launcher.
   */
  public Process launchedNode(List<String> prefix, String name, String seeds, Map<String, String> props) {
    return launchedNode(prefix, name, seeds, props, List.of());
  }

  /** A node under its launcher whose JVMs also get {@code nodeJvmOptions} (e.g. {@code -Xmx256m}, which wins). */
  public Process launchedNode(
      List<String> prefix, String name, String seeds, Map<String, String> props, List<String> nodeJvmOptions) {
    var all = new java.util.LinkedHashMap<String, String>();
    all.put("pekko.remote.artery.canonical.port", "0");
    all.put("renga.seed-nodes", seeds);
    all.put("renga.sandbox.network.allow-private", "true");
    all.put("renga.node.warm-up-contexts", "5");
    // The standby's warm-up workload would spend these tests' two cores on compiling; tests that want it set a budget.
    all.put("renga.node.warm-up.budget", "0s");
    isolation(all);
    all.putAll(props);
    List<String> command = new ArrayList<>(prefix);
    command.add(JAVA);
    command.addAll(List.of("-Xmx64m", "-D" + ParentProcess.PID_PROPERTY + "=" + ProcessHandle.current().pid()));
    command.addAll(List.of("-cp", classpath(), "dev.renga.node.launcher.Launcher"));
    command.addAll(jvmOptions(false));
    command.addAll(nodeJvmOptions);
    all.forEach((key, value) -> command.add("-D" + key + "=" + value));
    return start(name, command);
  }

  private static void isolation(Map<String, String> props) {
    if (ISOLATION != null && !ISOLATION.isBlank()) {
      props.put("renga.sandbox.isolation", ISOLATION);
    }
  }

  /** Everything the JVM named {@code name} (and, for a launcher, its nodes) wrote so far. */
  public static String log(String name) {
    try {
      return java.nio.file.Files.readString(new File(LOGS, name + ".log").toPath());
    } catch (IOException e) {
      return "";
    }
  }

  private static String classpath() {
    if (CLASSPATH == null) {
      throw new IllegalStateException("renga.e2e.classpath is not set: run the end-to-end tests through Maven");
    }
    return CLASSPATH;
  }

  private static List<String> jvmOptions(boolean withParent) {
    List<String> options =
        new ArrayList<>(
            List.of(
                "-Xmx768m",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-Dlogback.configurationFile=" + CONF + "/logback.xml"));
    if (withParent) {
      options.add("-D" + ParentProcess.PID_PROPERTY + "=" + ProcessHandle.current().pid());
    }
    return options;
  }

  private Process start(String name, String mainClass, Map<String, String> props) {
    List<String> command = new ArrayList<>();
    command.add(JAVA);
    command.addAll(jvmOptions(true));
    props.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(List.of("-cp", classpath(), mainClass));
    return start(name, command);
  }

  private Process start(String name, List<String> command) {
    LOGS.mkdirs();
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(new File(LOGS, name + ".log"));
      if (!compile) {
        builder.environment().put("RENGA_NODE_COMPILE", "off");
      }
      Process process = builder.start();
      processes.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until GET url answers 200, failing after the timeout (or at once if a started JVM died). */
  public void awaitOk(String url, Duration timeout) {
    await("GET " + url + " answers 200", timeout, () -> status(url) == 200);
  }

  public void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new AssertionError("a Renga JVM exited (" + process.exitValue() + ") while waiting until " + what
              + "; see " + LOGS);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what + "; see " + LOGS);
      }
      try {
        Thread.sleep(100); // polling interval of a bounded wait, not a race
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The status of GET url, or -1 when nothing answers. */
  public int status(String url) {
    try {
      return client
          .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Ports handed out below the kernel's ephemeral range (32768 and up on Linux): a port the kernel chose for us
   * could be given again, as an ephemeral port, to any socket (a node's Artery, an HTTP client) before the child
   * that is meant to bind it does. Each test JVM starts at its own offset.
   */
  private static final int FIRST_PORT = 20_000;
  private static final int LAST_PORT = 32_000;
  private static final AtomicInteger nextPort =
      new AtomicInteger(FIRST_PORT + (int) (ProcessHandle.current().pid() % 48) * 250);

  /** A free TCP port on loopback, outside the ephemeral range. */
  public static int freePort() {
    for (int tried = 0; tried < LAST_PORT - FIRST_PORT; tried++) {
      int port = FIRST_PORT + Math.floorMod(nextPort.getAndIncrement() - FIRST_PORT, LAST_PORT - FIRST_PORT);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException taken) {
        // in use: the next one
      }
    }
    throw new UncheckedIOException(new IOException("no free port in " + FIRST_PORT + "-" + LAST_PORT));
  }

  /** How many nodes the gateway's /admin/nodes at {@code url} says it routes to. */
  public int routedNodes(String url) {
    int routed = 0;
    for (var node : json(url).get("nodes")) {
      if (node.path("routed").asBoolean()) {
        routed++;
      }
    }
    return routed;
  }

  /** GET url as JSON (an admin endpoint). */
  public com.fasterxml.jackson.databind.JsonNode json(String url) {
    try {
      var response =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Stops every JVM: SIGTERM first (graceful), SIGKILL for any still alive after 15 s. */
  @Override
  public void close() {
    processes.forEach(Process::destroy);
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroy);
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }
}
