package dev.renga.node.launcher;

import dev.renga.core.ParentProcess;
import dev.renga.node.NodeMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The small parent process of a node JVM ({@code bin/renga node}): starts the node, starts a fresh one whenever it
 * exits (quota recycle, fatal error, OOM), backs off on crash loops, passes SIGTERM on for a graceful stop, and SIGHUP
 * on to every node JVM it runs (each reloads its tenants).
 *
 * <p>It keeps one standby JVM beside the serving one: started with {@link NodeMain#STANDBY_PROPERTY} at low CPU
 * priority ({@link StandbyPriority}), it warms its engine and runs a warm-up workload while it waits. When the serving node exits, the standby is promoted with a line on its standard input and joins
 * at once, and a new standby starts warming a little later. A crash therefore costs a cluster join, not a JVM start,
 * and a quota recycle costs nothing: the node at its quota asks for its replacement with a line on its standard output
 * ({@link LauncherLink}), the standby is promoted at once, and the old node leaves only once the new one is routed.
 *
 * <p>Arguments are the node JVM's options (for example {@code -Xmx2g -Drenga.node.js-threads=4}); the node runs on
 * this launcher's JVM and class path, with GraalJS moved to the module path so that it compiles ({@link NodeCommand}),
 * and with the JDK's AOT cache when it can ({@link AotCache}).
 */
public final class Launcher {
  private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /** A node that ran this long was healthy: the next crash starts the backoff afresh. */
  private static final Duration STABLE_AFTER = Duration.ofSeconds(60);

  /** Above renga.node.drain-timeout (30 s), so a draining node is not killed while its requests end. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(45);
  /** How long a stopping launcher waits for the rest of an exited node's output. */
  private static final Duration OUTPUT_GRACE = Duration.ofSeconds(5);

  private final String java;
  private final List<String> nodeOptions;
  private final AotCache aotCache;
  private volatile boolean stopping;
  private volatile Process node;
  private volatile Process standby;
  /** A standby promoted while the serving node still serves, at that node's request; it serves next. */
  private volatile Process successor;
  /** The node JVMs that catch SIGHUP (they said so on their standard output): forwarding one to them is safe. */
  private final java.util.Set<Process> hangUpsCaught = ConcurrentHashMap.newKeySet();
  /** The thread copying each live node JVM's standard output. */
  private final Map<Process, Thread> relays = new ConcurrentHashMap<>();
  /** Per node JVM: completes when it says its compilers have settled as it serves ({@link LauncherLink#settledLine()}). */
  private final Map<Process, CompletableFuture<Void>> settled = new ConcurrentHashMap<>();
  private final LauncherLink link =
      new LauncherLink(Long.toString(ProcessHandle.current().pid(), 36) + "-" + UUID.randomUUID().toString().substring(0, 8),
          UUID.randomUUID().toString());
  private final StandbyPriority priority = new StandbyPriority();
  /** Completes once the last node JVM started with AOT options has exited and its cache, if any, is in place. */
  private volatile CompletableFuture<Void> aotCacheWritten = CompletableFuture.completedFuture(null);

  Launcher(List<String> nodeJvmOptions) {
    this.java = ProcessHandle.current().info().command().orElse("java");
    List<String> options = new ArrayList<>(nodeJvmOptions);
    options.add("-D" + ParentProcess.PID_PROPERTY + "=" + ProcessHandle.current().pid());
    options.add("-D" + NodeMain.STANDBY_PROPERTY + "=true");
    options.add("-D" + LauncherLink.ID_PROPERTY + "=" + link.role().substring("launcher-".length()));
    options.add("-D" + LauncherLink.TOKEN_PROPERTY + "=" + link.token());
    options.addAll(NodeCommand.paths(System.getProperty("java.class.path")));
    this.nodeOptions = List.copyOf(options);
    this.aotCache = AotCache.forNode(nodeOptions, java);
  }

  public static void main(String[] args) throws InterruptedException {
    Launcher launcher = new Launcher(List.of(args));
    Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "renga-launcher-stop"));
    launcher.forwardHangUps();
    exitWithParent();
    launcher.run();
  }

  /** SIGHUP (reload the tenants) goes on to the node JVMs; this JVM has nothing to reload. */
  private void forwardHangUps() {
    try {
      sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> hangUp());
      if (before == sun.misc.SignalHandler.SIG_IGN) {
        log("SIGHUP is ignored by this process (started under nohup?): it cannot pass it on; tenants reload when their"
            + " files change");
      }
    } catch (IllegalArgumentException unsupported) {
      log("SIGHUP cannot be handled on this platform; tenants reload when their files change");
    }
  }

  /** Sends SIGHUP to every live node JVM that catches it: the serving one, its successor, the standby. */
  private void hangUp() {
    for (Process process : hangUpsCaught) {
      if (!process.isAlive()) {
        hangUpsCaught.remove(process);
        continue;
      }
      try {
        // The JDK has no way to send a process any signal but TERM and KILL.
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
      } catch (IOException e) {
        log("could not pass SIGHUP on to node pid " + process.pid() + ": " + e.getMessage());
      }
    }
    log("SIGHUP passed on to " + hangUpsCaught.size() + " node JVM(s)");
  }

  /** A launcher started by `bin/renga up` or a test stops (and stops its node) when that process is gone. */
  private static void exitWithParent() {
    String pid = System.getProperty(ParentProcess.PID_PROPERTY);
    if (pid != null && !pid.isBlank()) {
      ProcessHandle.of(Long.parseLong(pid.trim()))
          .ifPresentOrElse(
              parent -> parent.onExit().thenRun(() -> System.exit(0)),
              () -> System.exit(0));
    }
  }

  void run() throws InterruptedException {
    Duration backoff = MIN_BACKOFF;
    int generation = 0;
    while (!stopping) {
      long startedAt = System.nanoTime();
      int exit;
      try {
        Process early = takeSuccessor();
        // The first node warms up before it joins (nothing serves yet that its warm-up could slow down); later ones
        // are the standby, warm already, or replace a crashed node and join at once.
        node = early != null ? early : promoteStandby(generation == 0);
        generation++;
        log("node " + generation + " serving (pid " + node.pid() + ")"
            + (early != null ? ", promoted while its predecessor still served" : ""));
        // The standby starts once the promoted node has joined and its compilers have settled under its own traffic,
        // so the two never compete for CPU meanwhile: an idle-policy standby still slows a warming node (measured:
        // standbys started 10 s after their nodes joined took 0.3-0.6 ms of CPU per request in the first minute).
        CompletableFuture.anyOf(settled(node), node.onExit()).join();
        settled.remove(node);
        if (node.isAlive() && !stopping) {
          ensureStandby();
        }
        exit = node.waitFor();
      } catch (IOException e) {
        log("could not start the node JVM: " + e.getMessage());
        exit = -1;
      }
      if (stopping) {
        break;
      }
      Duration ran = Duration.ofNanos(System.nanoTime() - startedAt);
      boolean replaced = successor != null;
      if (exit == 0) {
        log("node " + generation + " exited 0 after " + ran.toSeconds() + "s (recycle); "
            + (replaced ? "its replacement already serves" : "starting a fresh one"));
        backoff = MIN_BACKOFF;
        continue;
      }
      if (ran.compareTo(STABLE_AFTER) >= 0) {
        backoff = MIN_BACKOFF;
      }
      if (replaced) {
        log("node " + generation + " exited with " + exit + " after " + ran.toSeconds() + "s; its replacement already serves");
        continue;
      }
      log("node " + generation + " exited with " + exit + " after " + ran.toSeconds() + "s; restarting in "
          + backoff.toMillis() + " ms");
      Thread.sleep(backoff.toMillis());
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
    Process spare = standby;
    if (spare != null) {
      spare.destroyForcibly();
    }
  }

  /** The node promoted at its predecessor's request, if any: it serves next. */
  private synchronized Process takeSuccessor() {
    Process early = successor;
    successor = null;
    return early;
  }

  private synchronized void ensureStandby() throws IOException {
    if (standby == null || !standby.isAlive()) {
      standby = startStandby();
    }
  }

  /**
   * The serving node reached its request quota and asks for its replacement (make-before-break): promote the standby
   * now, so that it joins while the node still serves; the node leaves once it sees the replacement routed.
   */
  private synchronized void replaceEarly(Process asking) {
    if (stopping || asking != node || successor != null) {
      return;
    }
    try {
      successor = promoteStandby(false);
      log("the serving node (pid " + asking.pid() + ") reached its quota: promoted its replacement (pid "
          + successor.pid() + ")");
    } catch (IOException e) {
      log("could not start a replacement node JVM: " + e.getMessage());
    }
  }

  /**
   * The warm standby told to join, or, when there is none alive, a fresh JVM told so at once; or, with {@code
   * warmFirst}, once it has run its warm-up workload.
   */
  private synchronized Process promoteStandby(boolean warmFirst) throws IOException {
    Process promoted = standby != null && standby.isAlive() ? standby : startStandby();
    standby = null;
    try {
      promoted.getOutputStream().write(((warmFirst ? NodeMain.WARM_FIRST : "") + "\n").getBytes(StandardCharsets.UTF_8));
      promoted.getOutputStream().close();
    } catch (IOException e) {
      // It died between the check and the word: its exit is handled like any other node exit.
    }
    priority.serving(promoted);
    return promoted;
  }

  private Process startStandby() throws IOException {
    List<String> aot = aotCache.options();
    List<String> command = new ArrayList<>(priority.standbyPrefix());
    command.add(java);
    command.addAll(aot);
    command.addAll(nodeOptions);
    command.add(NodeMain.class.getName());
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    relayOutput(process);
    CompletableFuture<Void> exited = process.onExit().thenRun(() -> aotCache.exited(aot));
    if (!aot.isEmpty()) {
      aotCacheWritten = exited;
    }
    return process;
  }

  /** Copies a node JVM's standard output to this launcher's, and acts on its request for a replacement. */
  private void relayOutput(Process process) {
    String replaceLine = link.replaceLine();
    String settledLine = link.settledLine();
    String hangUpsLine = link.hangUpsLine();
    Thread relay =
        Thread.ofPlatform()
        .daemon()
        .name("renga-node-output-" + process.pid())
        .unstarted(
            () -> {
              try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = lines.readLine()) != null) {
                  if (line.equals(replaceLine)) {
                    replaceEarly(process);
                  } else if (line.equals(settledLine)) {
                    settled(process).complete(null);
                  } else if (line.equals(hangUpsLine)) {
                    hangUpsCaught.add(process);
                  } else {
                    System.out.println(line);
                  }
                }
              } catch (IOException e) {
                // The node is gone; its exit is handled by the run loop.
              } finally {
                hangUpsCaught.remove(process);
                relays.remove(process);
                settled.remove(process);
              }
            });
    relays.put(process, relay);
    relay.start();
  }

  /** Completes when the node JVM says its compilers have settled as it serves. */
  private CompletableFuture<Void> settled(Process process) {
    return settled.computeIfAbsent(process, p -> new CompletableFuture<>());
  }

  /** Waits (briefly) until everything a node JVM that has exited wrote is copied: its last lines say how it left. */
  private void awaitOutput(Process process) throws InterruptedException {
    Thread relay = relays.get(process);
    if (relay != null) {
      relay.join(OUTPUT_GRACE.toMillis());
    }
  }

  /** SIGTERM/Ctrl-C: stop the node gracefully (it drains), and forcibly if it does not exit in time. */
  void stop() {
    stopping = true;
    Process spare = standby;
    if (spare != null) {
      spare.destroyForcibly();
    }
    // SIGTERM through the process handle: Process.destroy() would also close the pipe of the node's output, and with
    // it the lines that say how it left.
    Process next = successor;
    if (next != null) {
      next.toHandle().destroy();
    }
    Process current = node;
    if (current == null || !current.isAlive()) {
      return;
    }
    current.toHandle().destroy();
    try {
      for (Process serving : next == null ? List.of(current) : List.of(current, next)) {
        if (!serving.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
          log("node did not stop within " + STOP_GRACE.toSeconds() + "s; killing it");
          serving.destroyForcibly().waitFor();
        }
        awaitOutput(serving);
      }
      // This JVM is shutting down: keep the cache a node JVM just wrote before it does.
      aotCacheWritten.get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log("the AOT cache was not kept: " + e);
    } catch (InterruptedException e) {
      current.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void log(String message) {
    System.err.println("[renga-launcher] " + message);
  }
}
