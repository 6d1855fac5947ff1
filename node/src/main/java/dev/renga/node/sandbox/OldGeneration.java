package dev.renga.node.sandbox;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * How full the heap's old generation is, as a fraction of the maximum heap. Large arrays are allocated there directly
 * and long-lived data ends up there, while short-lived garbage does not, so it tells a heap that is running out from
 * one that is merely due for a young collection. Read it as often as needed: it is one counter per pool.
 */
public final class OldGeneration {
  private static final List<MemoryPoolMXBean> POOLS = pools();
  public static final long MAX_HEAP = Runtime.getRuntime().maxMemory();

  private OldGeneration() {}

  /** The old generation's use now, as a fraction of the maximum heap. */
  public static double fraction() {
    long used = 0;
    for (MemoryPoolMXBean pool : POOLS) {
      used += pool.getUsage().getUsed();
    }
    return (double) used / MAX_HEAP;
  }

  /**
   * The old generation's use right after the last collection that ran in it (for G1, any young or mixed collection
   * and any full one), as a fraction of the maximum heap: what it holds without the garbage a collection removes, so a
   * heap merely due for a collection does not read as full. 0 before the first collection.
   */
  public static double afterCollection() {
    long used = 0;
    for (MemoryPoolMXBean pool : POOLS) {
      var usage = pool.getCollectionUsage();
      used += usage != null ? usage.getUsed() : pool.getUsage().getUsed();
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
