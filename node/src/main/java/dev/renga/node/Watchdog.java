package dev.renga.node;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import dev.renga.core.NodeProtocol;
import dev.renga.node.sandbox.OldGeneration;
import dev.renga.node.sandbox.RunningTurns;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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
 * the heap, the running requests that have allocated at least 1/8 of their budget (or of the heap, if less) are cancelled with memory-limit
 * too, before the JVM would run out of memory and take every tenant's requests with it.
 */
public final class Watchdog extends AbstractBehavior<Watchdog.Command> {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  public sealed interface Command {}

  private enum Tick implements Command {
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
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessageEquals(Tick.INSTANCE, this::onTick).build();
  }

  private Behavior<Command> onTick() {
    for (RunningTurns.Turn turn : turns.running()) {
      if (turn.cancelled()) {
        continue;
      }
      // Each request's own budget: its tenant's limits, or the node's.
      RunningTurns.Budget budget = turn.budget();
      if (turn.cpuNanos() > budget.cpuLimit().toNanos()) {
        cancel(turn, new HandlerError(ErrorCode.CPU_LIMIT, "used more than " + budget.cpuLimit().toMillis() + "ms of CPU time"));
      } else if (turn.allocatedBytes() > budget.memoryLimit()) {
        cancel(
            turn,
            new HandlerError(
                ErrorCode.MEMORY_LIMIT,
                "allocated more than " + budget.memoryLimit() / (1024 * 1024) + " MiB (renga.sandbox.memory-limit)"));
      }
    }
    guardHeap();
    Duration lag = heartbeat.sinceLastBeat().minus(limits.heartbeatInterval());
    status.heartbeatLagMillis(Math.max(0, lag.toMillis()));
    if (!reported && lag.compareTo(limits.unhealthyAfter()) > 0) {
      reported = true;
      guardian.tell(new Unhealthy("the JS dispatcher has not run for " + lag.toMillis() + "ms"));
    }
    return this;
  }

  /**
   * When the old generation fills the heap past the guard, cancels every request, running or waiting, that has
   * allocated a lot (at least 1/8 of its budget or of the heap, whichever is less): the node is about to run out of
   * memory, and they are the ones filling it.
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
    for (RunningTurns.Turn turn : turns.running()) {
      long allocated = turn.allocatedBytes();
      if (!turn.cancelled() && allocated >= floor) {
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
