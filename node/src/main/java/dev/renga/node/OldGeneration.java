package dev.renga.node;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * How full the heap's old generation is, as a fraction of the maximum heap. Large arrays are allocated there directly
 * and long-lived data ends up there, while short-lived garbage does not, so it tells a heap that is running out from
 * one that is merely due for a young collection. Read it as often as needed: it is one counter per pool.
 */
final class OldGeneration {
  private static final List<MemoryPoolMXBean> POOLS = pools();
  static final long MAX_HEAP = Runtime.getRuntime().maxMemory();

  private OldGeneration() {}

  /** The old generation's use now, as a fraction of the maximum heap. */
  static double fraction() {
    long used = 0;
    for (MemoryPoolMXBean pool : POOLS) {
      used += pool.getUsage().getUsed();
    }
    return (double) used / MAX_HEAP;
  }

  /** G1 Old Gen, PS Old Gen, Tenured Gen, ZGC Old Generation; all heap pools for a collector without generations. */
  private static List<MemoryPoolMXBean> pools() {
    List<MemoryPoolMXBean> heap =
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    List<MemoryPoolMXBean> old =
        heap.stream().filter(pool -> pool.getName().contains("Old") || pool.getName().contains("Tenured")).toList();
    return old.isEmpty() ? heap : old;
  }
}
