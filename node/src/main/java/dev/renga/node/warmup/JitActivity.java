package dev.renga.node.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * How much the JVM's compilers have worked, in nanoseconds: the JDK's own JIT (HotSpot's compile time, wall-clock time
 * spent compiling: an upper bound of its CPU) plus the CPU time of Truffle's compiler threads (the Graal compiler
 * compiling JavaScript). Only its rise between two calls means anything; against the process's CPU time over the same
 * span it says whether the JVM is still compiling. One caller at a time.
 */
final class JitActivity {
  private static final String TRUFFLE_COMPILER_THREAD = "TruffleCompilerThread";
  private final CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> lastSeen = new HashMap<>();
  private long truffleTotal;

  long nanos() {
    long hotspot =
        compilation != null && compilation.isCompilationTimeMonitoringSupported()
            ? compilation.getTotalCompilationTime() * 1_000_000
            : 0;
    return hotspot + truffleCompilerCpu();
  }

  /**
   * CPU time Truffle's compiler threads have used since the first call, summed over each thread's rise between calls:
   * the engine starts and ends compiler threads as its queue needs them, and a thread that ended takes its total out
   * of any sum over the live ones.
   */
  private long truffleCompilerCpu() {
    Map<Long, Long> now = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(TRUFFLE_COMPILER_THREAD)) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          now.put(info.getThreadId(), cpu);
          truffleTotal += cpu - lastSeen.getOrDefault(info.getThreadId(), 0L);
        }
      }
    }
    lastSeen = now;
    return truffleTotal;
  }
}
