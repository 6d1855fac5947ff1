package dev.renga.node.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Standby JVMs run under Linux's idle scheduling policy ({@code chrt --idle 0}): their threads get a core only when no
 * other thread wants it, so a standby's warm-up workload uses idle CPU and never takes any from the serving node (a
 * {@code nice -n 10} standby still took a third of two busy cores: CFS gives a niced thread about a tenth of a normal
 * one's share, and a warming JVM has many threads). A promoted one gets the normal policy back ({@code chrt --other
 * --all-tasks}, as Linux keeps a policy per thread; twice, for threads born meanwhile). Where leaving the idle policy
 * is refused (an unprivileged user whose RLIMIT_NICE does not allow it), later standbys start with the normal policy,
 * so a serving node never stays idle-scheduled twice. Nothing changes where {@code chrt} is missing.
 */
final class StandbyPriority {
  private static final Path CHRT = Path.of("/usr/bin/chrt");
  /** The scheduling policy field of /proc/PID/stat (the 41st) for SCHED_OTHER. */
  private static final int SCHED_OTHER = 0;

  private volatile boolean enabled = Files.isExecutable(CHRT) && policy(Path.of("/proc/self/stat")) == SCHED_OTHER;

  /** What a standby JVM's command starts with: {@code chrt --idle 0}, or nothing. */
  List<String> standbyPrefix() {
    return enabled ? List.of(CHRT.toString(), "--idle", "0") : List.of();
  }

  /** Gives a promoted standby the normal scheduling policy: every thread it has now (twice, for threads born meanwhile). */
  void serving(Process node) {
    if (!enabled) {
      return;
    }
    for (int pass = 0; pass < 2; pass++) {
      if (!normal(node.pid())) {
        enabled = false;
        log("could not give the promoted node (pid " + node.pid() + ") the normal scheduling policy back; standbys now"
            + " start with it");
        return;
      }
    }
  }

  private static boolean normal(long pid) {
    List<String> command = List.of(CHRT.toString(), "--other", "--all-tasks", "--pid", "0", Long.toString(pid));
    try {
      new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
      // Judged by the result, not chrt's exit code: a thread that ended meanwhile also makes chrt fail.
      int now = policy(Path.of("/proc", Long.toString(pid), "stat"));
      return now == SCHED_OTHER || !Files.exists(Path.of("/proc", Long.toString(pid)));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A thread's scheduling policy (field 41 of its /proc stat file), -1 when it cannot be read. */
  private static int policy(Path statFile) {
    try {
      String stat = Files.readString(statFile);
      return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[38]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void log(String message) {
    System.err.println("[renga-launcher] " + message);
  }
}
