package dev.renga.node.sandbox;

import dev.renga.core.HandlerError;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The requests whose JavaScript runs right now, each with the thread it runs on, and those waiting between turns. A
 * request is charged CPU time and allocated bytes only while its JS runs (a "turn"), never while it waits; the
 * Watchdog reads the running turns to enforce the budgets, and both kinds when the heap fills up.
 */
public final class RunningTurns {
  private static final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final Set<Turn> running = ConcurrentHashMap.newKeySet();
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

  /** A request the Watchdog may cancel, running ({@link Turn}) or between turns ({@link Waiting}). */
  public sealed interface Cancellable {
    String requestId();

    /**
     * Claims the cancellation: true for the first caller only, who must then {@link #cancel} it (which may block
     * until the JS stops, so callers run it where blocking is allowed).
     */
    boolean claimCancel();

    void cancel(HandlerError reason);
  }

  /**
   * A request between turns (on a timer, a fetch, a body): what it has used, and how to cancel it. Its memory stays
   * held while it waits, so the heap guard must be able to reach it too.
   */
  public record Waiting(String requestId, Usage usage, Consumer<HandlerError> canceller, AtomicBoolean claimed)
      implements Cancellable {
    @Override
    public boolean claimCancel() {
      return claimed.compareAndSet(false, true);
    }

    @Override
    public void cancel(HandlerError reason) {
      canceller.accept(reason);
    }
  }

  /** What a request may use: CPU time and allocated bytes (its tenant's cpu-limit and memory-limit). */
  public record Budget(java.time.Duration cpuLimit, long memoryLimit) {}

  /**
   * What a request has used so far, over all its finished turns: CPU time, allocated bytes, and the wall-clock time its
   * JavaScript ran (which exceeds the CPU time when the node gives its thread less than a core).
   */
  public record Usage(long cpuNanos, long allocatedBytes, long wallNanos) {
    public static final Usage NONE = new Usage(0, 0, 0);
  }

  /** One request's JS running on one thread, from {@link #enter} to {@link #exit}. */
  public static final class Turn implements Cancellable {
    private final String requestId;
    private final long threadId;
    private final long cpuStart;
    private final long allocatedStart;
    private final long wallStart = System.nanoTime();
    private final Usage before;
    private final Budget budget;
    private final Consumer<HandlerError> cancel;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    private Turn(String requestId, Usage before, Budget budget, Consumer<HandlerError> cancel) {
      this.requestId = requestId;
      this.budget = budget;
      this.threadId = Thread.currentThread().threadId();
      this.cpuStart = threads.getCurrentThreadCpuTime();
      this.allocatedStart = threads.getCurrentThreadAllocatedBytes();
      this.before = before;
      this.cancel = cancel;
    }

    @Override
    public String requestId() {
      return requestId;
    }

    /** What the request may use. */
    public Budget budget() {
      return budget;
    }

    /** CPU time of the request so far, this turn included (read from any thread). */
    public long cpuNanos() {
      long now = threads.getThreadCpuTime(threadId);
      return before.cpuNanos() + Math.max(0, now - cpuStart);
    }

    /** Bytes the request has allocated so far, this turn included (read from any thread). */
    public long allocatedBytes() {
      long now = threads.getThreadAllocatedBytes(threadId);
      return before.allocatedBytes() + Math.max(0, now - allocatedStart);
    }

    /** What the request has used so far, this turn included (read from any thread). */
    public Usage usage() {
      return new Usage(cpuNanos(), allocatedBytes(), before.wallNanos() + (System.nanoTime() - wallStart));
    }

    /** Whether the request has been cancelled during this turn. */
    public boolean cancelled() {
      return cancelled.get();
    }

    @Override
    public boolean claimCancel() {
      return cancelled.compareAndSet(false, true);
    }

    @Override
    public void cancel(HandlerError reason) {
      cancel.accept(reason);
    }
  }

  /** Called by the request's thread as its JS starts to run. */
  public Turn enter(String requestId, Usage before, Budget budget, Consumer<HandlerError> cancel) {
    waiting.remove(requestId);
    Turn turn = new Turn(requestId, before, budget, cancel);
    running.add(turn);
    return turn;
  }

  /** Called by the same thread when its JS returns; the request's usage including this turn. */
  public Usage exit(Turn turn) {
    Usage usage =
        new Usage(
            turn.before.cpuNanos() + Math.max(0, threads.getCurrentThreadCpuTime() - turn.cpuStart),
            turn.before.allocatedBytes() + Math.max(0, threads.getCurrentThreadAllocatedBytes() - turn.allocatedStart),
            turn.before.wallNanos() + (System.nanoTime() - turn.wallStart));
    waiting.put(turn.requestId, new Waiting(turn.requestId, usage, turn.cancel, new AtomicBoolean(turn.cancelled())));
    running.remove(turn);
    return usage;
  }

  /** The request is over (its actor stopped): nothing left to charge or cancel. */
  public void ended(String requestId) {
    waiting.remove(requestId);
  }

  /** What the request has used so far, its turn running now included (from any thread); NONE if it never ran. */
  public Usage usage(String requestId) {
    for (Turn turn : running) {
      if (turn.requestId.equals(requestId)) {
        return turn.usage();
      }
    }
    Waiting between = waiting.get(requestId);
    return between == null ? Usage.NONE : between.usage();
  }

  /** The requests waiting between turns now. */
  public Collection<Waiting> waiting() {
    return waiting.values();
  }

  /** The turns running now. */
  public Collection<Turn> running() {
    return running;
  }
}
