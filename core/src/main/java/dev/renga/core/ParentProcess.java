package dev.renga.core;

import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Ties a gateway or node JVM to the process that started it (the node launcher, or a test), so no JVM is ever
 * left orphaned: when that process is gone, this one shuts down.
 */
public final class ParentProcess {
  /** System property with the parent's pid; unset means the JVM runs on its own. */
  public static final String PID_PROPERTY = "renga.parent.pid";

  private ParentProcess() {}

  /** Runs coordinated shutdown when the parent named by {@value #PID_PROPERTY} exits. */
  public static void exitWithParent(ActorSystem<?> system) {
    String pid = System.getProperty(PID_PROPERTY);
    if (pid == null || pid.isBlank()) {
      return;
    }
    ProcessHandle.of(Long.parseLong(pid.trim()))
        .ifPresentOrElse(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          system.log().warn("parent process {} is gone; shutting down", pid);
                          CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
                        }),
            () -> CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason()));
  }
}
