package dev.renga.node.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Standby JVMs run at low CPU priority ({@code nice -n 10}), so their warm-up workload uses idle CPU and never slows
 * the serving node; a promoted one gets the launcher's own priority back ({@code renice} on each of its threads, as
 * Linux keeps a priority per thread). Raising a priority again needs the right to (root, or CAP_SYS_NICE): where
 * {@code renice} is refused, later standbys start at normal priority, so a serving node never stays niced twice.
 * Nothing changes where {@code nice} or {@code renice} is missing.
 */
final class StandbyPriority {
  private static final Path NICE = Path.of("/usr/bin/nice");
  private static final Path RENICE = Path.of("/usr/bin/renice");
  private static final int STANDBY_NICENESS = 10;

  private volatile boolean enabled = Files.isExecutable(NICE) && Files.isExecutable(RENICE) && ownNiceness() >= 0;

  /** What a standby JVM's command starts with: {@code nice -n 10}, or nothing. */
  List<String> standbyPrefix() {
    return enabled ? List.of(NICE.toString(), "-n", Integer.toString(STANDBY_NICENESS)) : List.of();
  }

  /** Gives a promoted standby the launcher's priority: every thread it has now (twice, for threads born meanwhile). */
  void serving(Process node) {
    if (!enabled) {
      return;
    }
    for (int pass = 0; pass < 2; pass++) {
      if (!renice(node.pid())) {
        enabled = false;
        log("could not give the promoted node (pid " + node.pid() + ") normal CPU priority back; standbys now start"
            + " at normal priority");
        return;
      }
    }
  }

  private static boolean renice(long pid) {
    List<String> command = new ArrayList<>(List.of(RENICE.toString(), "-n", Integer.toString(ownNiceness()), "-p"));
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.map(task -> task.getFileName().toString()).forEach(command::add);
    } catch (IOException e) {
      return true; // it has exited: nothing to do
    }
    try {
      new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
      // Judged by the result, not renice's exit code: a thread that ended meanwhile also makes renice fail.
      int now = niceness(Path.of("/proc", Long.toString(pid), "stat"));
      return now == ownNiceness() || !Files.exists(Path.of("/proc", Long.toString(pid)));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int ownNiceness() {
    return niceness(Path.of("/proc/self/stat"));
  }

  /** A thread's niceness (field 19 of its /proc stat file), -1 when it cannot be read. */
  private static int niceness(Path statFile) {
    try {
      String stat = Files.readString(statFile);
      return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void log(String message) {
    System.err.println("[renga-launcher] " + message);
  }
}
