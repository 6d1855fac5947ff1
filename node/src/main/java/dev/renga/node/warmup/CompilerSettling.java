package dev.renga.node.warmup;

import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the JVM's compilers have settled: in {@code settled-rounds} rounds in a row they used at most
 * {@code max-compile-share} of the process's CPU (renga.node.warm-up.*). The warm-up workload ends on it; a node that
 * has joined uses it again under its real traffic, which reaches code the workload did not (the cluster's own
 * messages, 64 requests in flight), before its launcher starts the next standby beside it, and before the node it
 * replaces leaves. One caller at a time.
 */
public final class CompilerSettling {
  private static final Logger log = LoggerFactory.getLogger(CompilerSettling.class);
  private final WarmUpSettings settings;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final JitActivity jit = new JitActivity();
  private long cpuAtStart;
  private long jitAtStart;
  private int settledRounds;
  private double lastShare = 1;

  CompilerSettling(WarmUpSettings settings) {
    this.settings = settings;
    startRound();
  }

  /** Starts a round (a new instance has started one). */
  void startRound() {
    cpuAtStart = os.getProcessCpuTime();
    jitAtStart = jit.nanos();
  }

  /** Ends the round started last and starts the next; true once the compilers have settled. */
  boolean endRound() {
    long cpu = os.getProcessCpuTime() - cpuAtStart;
    lastShare = cpu > 0 ? (jit.nanos() - jitAtStart) / (double) cpu : 1;
    settledRounds = lastShare <= settings.maxCompileShare() ? settledRounds + 1 : 0;
    startRound();
    return settledRounds >= settings.settledRounds();
  }

  /** The compilers' share of the process's CPU in the last round. */
  double lastShare() {
    return lastShare;
  }

  /**
   * Watches the compilers on a thread of its own under the node's traffic: runs {@code whenDue} once they have settled
   * or once {@code due} says so (checked every second), whichever comes first, and {@code whenWarm} once they have
   * settled or the warm-up budget is spent; both at once when the warm-up is off.
   */
  public static void watch(WarmUpSettings settings, BooleanSupplier due, Runnable whenDue, Runnable whenWarm) {
    if (!settings.enabled()) {
      whenDue.run();
      whenWarm.run();
      return;
    }
    Thread.ofPlatform().daemon().name("renga-compiler-settling").start(() -> {
      CompilerSettling settling = new CompilerSettling(settings);
      long start = System.nanoTime();
      long deadline = start + settings.budget().toNanos();
      long nextRound = start + settings.round().toNanos();
      boolean settled = false;
      boolean wasDue = false;
      try {
        while (!settled && System.nanoTime() < deadline) {
          Thread.sleep(Math.min(1000, settings.round().toMillis()));
          if (System.nanoTime() >= nextRound) {
            settled = settling.endRound();
            nextRound += settings.round().toNanos();
          }
          if (!wasDue && !settled && due.getAsBoolean()) {
            wasDue = true;
            log.info("due before the compilers settled, after {} s", (System.nanoTime() - start) / 1_000_000_000);
            whenDue.run();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      log.info(
          "{} after {} s ({}% of the node's CPU compiling in the last round)",
          settled ? "compilers settled under the node's own traffic" : "budget spent",
          (System.nanoTime() - start) / 1_000_000_000, Math.round(settling.lastShare() * 100));
      if (!wasDue) {
        whenDue.run();
      }
      whenWarm.run();
    });
  }
}
