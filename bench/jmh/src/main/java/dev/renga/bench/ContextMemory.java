package dev.renga.bench;

import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.PreparedContext;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;

/**
 * Memory per live context: N contexts, each with the runtime and a handler that left a timer pending (as a
 * request waiting on setTimeout does), kept alive; heap after a full GC, before and after. Prints one JSON line.
 * usage: ContextMemory N
 */
public final class ContextMemory {
  private ContextMemory() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args.length > 0 ? args[0] : "2000");
    try (JsEngine engine = new JsEngine()) {
      engine.warmUp(20);
      Source wait = engine.handler("http://127.0.0.1/wait.js", Requests.WAIT);
      long before = usedAfterGc();
      List<Context> live = new ArrayList<>(n);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        PreparedContext prepared = engine.prepare();
        Requests.run(prepared, wait);
        live.add(prepared.context());
      }
      long createdNanos = System.nanoTime() - t0;
      long after = usedAfterGc();
      System.out.printf(
          "MEMORY_JSON {\"contexts\":%d,\"heap_before_mb\":%.1f,\"heap_after_mb\":%.1f,\"kb_per_context\":%.1f,"
              + "\"us_per_context_created\":%.1f}%n",
          n, before / 1048576.0, after / 1048576.0, (after - before) / 1024.0 / n, createdNanos / 1000.0 / n);
      for (Context c : live) {
        c.close();
      }
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
