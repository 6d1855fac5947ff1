package dev.renga.node.sandbox;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

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

  /**
   * Runs {@code action} each time the old generation's use crosses {@code fraction} of the heap, on the JVM's
   * notification thread. The JVM checks the threshold on every allocation outside a thread's allocation buffer (large
   * arrays among them) and at every collection, so a heap filling faster than any timer can poll is seen within a
   * millisecond or so of the crossing. It fires again only once the use has fallen below the threshold and crossed it
   * again. The threshold is the JVM's own, one per pool: the last caller's fraction is the one that holds, and a
   * collector with several old pools checks each one against it alone (later than {@link #fraction} crosses; G1,
   * Parallel and Serial have one). Returns what removes the action.
   */
  public static AutoCloseable onCrossing(double fraction, Runnable action) {
    List<MemoryPoolMXBean> watched = POOLS.stream().filter(MemoryPoolMXBean::isUsageThresholdSupported).toList();
    if (watched.isEmpty()) {
      return () -> {};
    }
    List<String> names = watched.stream().map(MemoryPoolMXBean::getName).toList();
    NotificationListener listener =
        (notification, handback) -> {
          if (MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(notification.getType())
              && names.contains(MemoryNotificationInfo.from((CompositeData) notification.getUserData()).getPoolName())) {
            action.run();
          }
        };
    var emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
    emitter.addNotificationListener(listener, null, null);
    for (MemoryPoolMXBean pool : watched) {
      pool.setUsageThreshold((long) (fraction * MAX_HEAP));
    }
    return () -> {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // removed already
      }
    };
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
