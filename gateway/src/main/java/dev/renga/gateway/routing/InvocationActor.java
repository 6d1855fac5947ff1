package dev.renga.gateway.routing;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Carries one invocation to a node and back. A request a node did not start (it was draining, or it left or died
 * before accepting it) goes to another node; a request a node started is never run twice: if that node dies, the
 * client gets 502 node-lost. With no node available the request waits, bounded, for one to appear.
 */
public final class InvocationActor extends AbstractBehavior<InvocationActor.Command> {
  public sealed interface Command {}

  private record FromNode(NodeProtocol.Reply reply) implements Command {}

  /** The node at this address left, was removed, or became unreachable. */
  public record NodeGone(Address address) implements Command {}

  private record NodesAvailable() implements Command {}

  private record AttemptTimedOut(int attempt) implements Command {}

  private record WaitTimedOut() implements Command {}

  /** What the invocation needs from the gateway; one instance is shared by all invocations. */
  public record Routing(
      NodeRouter router,
      InFlightInvocations inFlight,
      Quarantine quarantine,
      Duration nodeTimeout,
      Duration queueTimeout) {}

  public static Behavior<Command> create(
      Invocation invocation, Routing routing, CompletableFuture<Invocations.Answer> result) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new InvocationActor(context, timers, invocation, routing, result).dispatch()));
  }

  private final TimerScheduler<Command> timers;
  private final Invocation invocation;
  private final Routing routing;
  private final CompletableFuture<Invocations.Answer> result;
  private final ActorRef<NodeProtocol.Reply> replyTo;
  private final Set<ActorRef<NodeProtocol.Command>> excluded = new HashSet<>();

  private ActorRef<NodeProtocol.Command> node;
  private boolean accepted;
  private boolean waiting;
  private long waitDeadline;
  private int attempt;

  private InvocationActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Invocation invocation,
      Routing routing,
      CompletableFuture<Invocations.Answer> result) {
    super(context);
    this.timers = timers;
    this.invocation = invocation;
    this.routing = routing;
    this.result = result;
    this.replyTo = context.messageAdapter(NodeProtocol.Reply.class, FromNode::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromNode.class, this::onReply)
        .onMessage(NodeGone.class, this::onNodeGone)
        .onMessage(NodesAvailable.class, m -> waiting ? dispatch() : this)
        .onMessage(AttemptTimedOut.class, this::onAttemptTimedOut)
        .onMessage(WaitTimedOut.class, m -> waiting ? finish(noCapacity()) : this)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  /** Sends the invocation to a node, or waits for one. */
  Behavior<Command> dispatch() {
    if (waiting) {
      // Woken after waiting: a node that refused the request at capacity may have room now (gone and draining nodes
      // are no longer routable).
      excluded.clear();
    }
    long seen = routing.router().version();
    var picked = routing.router().pick(invocation.handlerUrl(), excluded);
    if (picked.isEmpty()) {
      if (!waiting) {
        waiting = true;
        // The queue timeout bounds all the time spent waiting, however often a full node refuses the request.
        long now = System.nanoTime();
        if (waitDeadline == 0) {
          waitDeadline = now + routing.queueTimeout().toNanos();
        }
        timers.startSingleTimer(new WaitTimedOut(), Duration.ofNanos(Math.max(0, waitDeadline - now)));
      }
      ActorRef<Command> self = getContext().getSelf();
      if (!routing.router().onChange(seen, () -> self.tell(new NodesAvailable()))) {
        return finish(noCapacity());
      }
      return this;
    }
    waiting = false;
    timers.cancel(WaitTimedOut.class);
    node = picked.get();
    accepted = false;
    attempt++;
    routing.inFlight().add(node.path().address(), getContext().getSelf());
    Metrics.counter("renga.gateway.routed", "node", node.path().address().toString()).increment();
    node.tell(new NodeProtocol.Invoke(invocation, replyTo));
    timers.startSingleTimer(AttemptTimedOut.class, new AttemptTimedOut(attempt), routing.nodeTimeout());
    return this;
  }

  private Behavior<Command> onReply(FromNode message) {
    return switch (message.reply()) {
      case NodeProtocol.Accepted a -> {
        accepted = true;
        yield this;
      }
      case NodeProtocol.NotAccepted notAccepted -> retryElsewhere();
      case NodeProtocol.Completed completed -> finish(completed);
      case NodeProtocol.Failed failed -> finish(failed);
    };
  }

  private Behavior<Command> onNodeGone(NodeGone gone) {
    if (node == null || !gone.address().equals(node.path().address())) {
      return this;
    }
    getContext().getLog().debug("request {}: node {} is gone ({})", invocation.requestId(), gone.address(), accepted ? "lost" : "not started, retrying");
    if (accepted) {
      routing.quarantine().nodeLost(invocation.handlerUrl(), gone.address());
      return finish(
          new NodeProtocol.Failed(
              new HandlerError(ErrorCode.NODE_LOST, "the node " + node.path().address() + " was lost while running the request")));
    }
    return retryElsewhere();
  }

  private Behavior<Command> onAttemptTimedOut(AttemptTimedOut timedOut) {
    if (timedOut.attempt() != attempt) {
      return this;
    }
    return finish(
        new NodeProtocol.Failed(
            new HandlerError(
                ErrorCode.NODE_LOST,
                "the node " + node.path().address() + " did not answer within " + routing.nodeTimeout().toMillis() + "ms")));
  }

  private Behavior<Command> retryElsewhere() {
    routing.inFlight().remove(node.path().address(), getContext().getSelf());
    timers.cancel(AttemptTimedOut.class);
    excluded.add(node);
    node = null;
    return dispatch();
  }

  private Behavior<Command> finish(NodeProtocol.Reply reply) {
    result.complete(new Invocations.Answer(reply, Optional.ofNullable(node).map(ref -> ref.path().address())));
    return Behaviors.stopped();
  }

  /** A bug in this actor must still answer the client. */
  private Behavior<Command> onPostStop() {
    if (node != null) {
      routing.inFlight().remove(node.path().address(), getContext().getSelf());
    }
    result.complete(
        new Invocations.Answer(
            new NodeProtocol.Failed(new HandlerError(ErrorCode.EXCEPTION, "internal error in the gateway")), Optional.empty()));
    return this;
  }

  private NodeProtocol.Failed noCapacity() {
    return new NodeProtocol.Failed(
        new HandlerError(
            ErrorCode.NO_CAPACITY,
            "no node in the cluster could take the request within " + routing.queueTimeout().toMillis() + "ms"));
  }
}
