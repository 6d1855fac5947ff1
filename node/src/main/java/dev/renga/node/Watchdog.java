package dev.renga.node;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import dev.renga.core.NodeProtocol;
import dev.renga.node.sandbox.OldGeneration;
import dev.renga.node.sandbox.RunningTurns;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on its own dispatcher and watches the JS dispatcher from outside: cancels requests whose JavaScript has used
 * more CPU time or allocated more memory than their budgets, measures the heartbeat lag, and tells the guardian
 * when the JS dispatcher has been blocked for too long.
 *
 * <p>Allocation budgets are checked every tick, but a request allocating gigabytes a second (or several at once)
 * can fill the heap before its cancellation lands. So when the old generation fills more than {@code heapGuard} of
 * the heap, the requests that have allocated at least 1/8 of their budget (or of the heap, if less) are cancelled with
 * memory-limit too, before the JVM would run out of memory and take every tenant's requests with it. The JVM tells the
 * Watchdog the moment the heap crosses the guard ({@link OldGeneration#onCrossing}), without waiting for the next tick:
 * four such requests allocate about 2 GB/s on two cores, and fill the quarter above a 0.75 guard of a 384 MB heap in
 * about 50 ms, a few ticks.
 */
public final class Watchdog extends AbstractBehavior<Watchdog.Command> {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  /** The old generation has just crossed the heap guard. */
  private enum HeapCrossed implements Command {
    INSTANCE
  }

  /**
   * The limits the Watchdog enforces besides each request's own CPU and memory budget (its tenant's, carried by its
   * turn).
   *
   * @param memoryLimit the node's renga.sandbox.memory-limit, which sets the heap guard's floor
   */
  public record Limits(
      Duration interval,
      Duration heartbeatInterval,
      Duration unhealthyAfter,
      long memoryLimit,
      double heapGuard) {}

  public static Behavior<Command> create(
      Limits limits,
      RunningTurns turns,
      HeartbeatActor.Heartbeat heartbeat,
      NodeStatus status,
      Executor blocking,
      ActorRef<NodeProtocol.Command> guardian) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Watchdog(context, timers, limits, turns, heartbeat, status, blocking, guardian)));
  }

  /** What the Watchdog tells the guardian when the JS dispatcher is blocked. */
  public record Unhealthy(String reason) implements NodeProtocol.Command {}

  private final Limits limits;
  private final RunningTurns turns;
  private final HeartbeatActor.Heartbeat heartbeat;
  private final NodeStatus status;
  private final Executor blocking;
  private final ActorRef<NodeProtocol.Command> guardian;
  private final AutoCloseable heapWatch;
  /** What each running turn had allocated at the previous tick (how fast it allocates, for the heap guard). */
  private Map<RunningTurns.Turn, Long> previousTick = Map.of();
  private boolean reported;

  private Watchdog(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Limits limits,
      RunningTurns turns,
      HeartbeatActor.Heartbeat heartbeat,
      NodeStatus status,
      Executor blocking,
      ActorRef<NodeProtocol.Command> guardian) {
    super(context);
    this.limits = limits;
    this.turns = turns;
    this.heartbeat = heartbeat;
    this.status = status;
    this.blocking = blocking;
    this.guardian = guardian;
    timers.startTimerWithFixedDelay(Tick.INSTANCE, limits.interval());
    ActorRef<Command> self = context.getSelf();
    this.heapWatch =
        limits.heapGuard() > 0 ? OldGeneration.onCrossing(limits.heapGuard(), () -> self.tell(HeapCrossed.INSTANCE)) : () -> {};
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(HeapCrossed.INSTANCE, this::onHeapCrossed)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  private Behavior<Command> onHeapCrossed() {
    guardHeap();
    return this;
  }

  private Behavior<Command> onStop() throws Exception {
    heapWatch.close();
    return this;
  }

  private Behavior<Command> onTick() {
    Map<RunningTurns.Turn, Long> allocations = new IdentityHashMap<>();
    for (RunningTurns.Turn turn : turns.running()) {
      if (turn.cancelled()) {
        continue;
      }
      long allocated = turn.allocatedBytes();
      allocations.put(turn, allocated);
      // Each request's own budget: its tenant's limits, or the node's.
      RunningTurns.Budget budget = turn.budget();
      if (turn.cpuNanos() > budget.cpuLimit().toNanos()) {
        cancel(turn, new HandlerError(ErrorCode.CPU_LIMIT, "used more than " + budget.cpuLimit().toMillis() + "ms of CPU time"));
      } else if (allocated > budget.memoryLimit()) {
        cancel(
            turn,
            new HandlerError(
                ErrorCode.MEMORY_LIMIT,
                "allocated more than " + budget.memoryLimit() / (1024 * 1024) + " MiB (renga.sandbox.memory-limit)"));
      }
    }
    guardHeap();
    previousTick = allocations;
    Duration lag = heartbeat.sinceLastBeat().minus(limits.heartbeatInterval());
    status.heartbeatLagMillis(Math.max(0, lag.toMillis()));
    if (!reported && lag.compareTo(limits.unhealthyAfter()) > 0) {
      reported = true;
      guardian.tell(new Unhealthy("the JS dispatcher has not run for " + lag.toMillis() + "ms"));
    }
    return this;
  }

  /**
   * When the old generation fills the heap past the guard, cancels the requests that are filling it: every request,
   * running or waiting, that has allocated a lot (at least 1/8 of its budget or of the heap, whichever is less), and
   * every running one that allocated more than a quarter of that since the previous tick. The second rule catches
   * the ones that are still small when the heap crosses: three or four requests allocating at full speed fill the
   * rest of a small heap in a few ticks, each one below the first rule's bar until it is too late.
   */
  private void guardHeap() {
    if (limits.heapGuard() <= 0) {
      return;
    }
    double fraction = OldGeneration.fraction();
    if (fraction < limits.heapGuard()) {
      return;
    }
    long floor = Math.min(limits.memoryLimit(), OldGeneration.MAX_HEAP) / 8;
    long burst = floor / 4;
    for (RunningTurns.Turn turn : turns.running()) {
      long allocated = turn.allocatedBytes();
      if (!turn.cancelled() && (allocated >= floor || allocated - previousTick.getOrDefault(turn, 0L) >= burst)) {
        cancel(turn, heapFull(fraction, allocated));
      }
    }
    // Requests waiting on a timer or a fetch hold what they allocated too: a few of them can fill the heap.
    for (RunningTurns.Waiting waiting : turns.waiting()) {
      long allocated = waiting.usage().allocatedBytes();
      if (allocated >= floor) {
        cancel(waiting, heapFull(fraction, allocated));
      }
    }
  }

  private static HandlerError heapFull(double fraction, long allocated) {
    return new HandlerError(
        ErrorCode.MEMORY_LIMIT,
        String.format(
            "the node's heap is %d%% full and this request had allocated %d MiB", Math.round(fraction * 100), allocated >> 20));
  }

  /** Closing a context waits for its JS to stop, so it runs on the blocking dispatcher, never here. */
  private void cancel(RunningTurns.Cancellable request, HandlerError reason) {
    if (request.claimCancel()) {
      log.warn("cancelling request {}: {}", request.requestId(), reason.cause());
      blocking.execute(() -> request.cancel(reason));
    }
  }
}
