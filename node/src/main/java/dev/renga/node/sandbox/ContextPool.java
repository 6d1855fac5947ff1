package dev.renga.node.sandbox;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fresh contexts prepared ahead of demand by one background thread, so a request takes a context that already ran
 * runtime.js instead of building one on its own time. Each context still serves exactly one request: the pool only
 * moves the work of making it off the request's path. When the pool is empty (a burst), the request prepares its
 * context itself, as it would without a pool.
 */
final class ContextPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContextPool.class);

  private final Supplier<PreparedContext> prepare;
  private final BlockingQueue<PreparedContext> ready;
  private final Thread filler;
  private final LongAdder misses = new LongAdder();
  private volatile boolean closed;

  ContextPool(Supplier<PreparedContext> prepare, int size) {
    this.prepare = prepare;
    this.ready = new ArrayBlockingQueue<>(size);
    this.filler = Thread.ofPlatform().name("renga-context-pool").daemon().start(this::fill);
  }

  /** A prepared context for one request: from the pool, or made now if the pool is empty. */
  PreparedContext take() {
    PreparedContext pooled = ready.poll();
    if (pooled != null) {
      return pooled;
    }
    misses.increment();
    return prepare.get();
  }

  /** Requests that found the pool empty and made their own context. */
  long misses() {
    return misses.sum();
  }

  /** Contexts ready now. */
  int ready() {
    return ready.size();
  }

  private void fill() {
    while (!closed) {
      PreparedContext prepared;
      try {
        prepared = prepare.get();
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("preparing a pooled context failed; the pool stops and requests make their own", e);
        }
        return;
      }
      try {
        ready.put(prepared);
      } catch (InterruptedException e) {
        prepared.context().close();
        return;
      }
    }
  }

  /** Stops the filler and closes every context still waiting in the pool. */
  @Override
  public void close() {
    closed = true;
    filler.interrupt();
    try {
      filler.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (PreparedContext prepared; (prepared = ready.poll()) != null; ) {
      prepared.context().close();
    }
  }
}
