package dev.renga.gateway.routing;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
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
import org.apache.pekko.util.ByteString;

/**
 * Carries one invocation to a node and back. A request a node did not start (it was draining, or it left or died
 * before accepting it) goes to another node; a request a node started is never run twice: if that node dies, the
 * client gets 502 node-lost. A node that only stops answering the failure detector (unreachable) may be paused
 * rather than dead: requests it accepted wait for it, bounded by the node timeout, until it answers or is removed.
 * With no node available the request waits, bounded, for one to appear.
 */
public final class InvocationActor extends AbstractBehavior<InvocationActor.Command> {
  public sealed interface Command {}

  /** A node's reply to attempt number {@code attempt} of this invocation. */
  private record FromNode(int attempt, NodeProtocol.Reply reply) implements Command {}

  /** The node at this address left or was removed: it will never answer. */
  public record NodeGone(Address address) implements Command {}

  /** The node at this address does not answer the failure detector: it may be dead or only paused. */
  public record NodeUnreachable(Address address) implements Command {}

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
  /** Set while the response streams: the head went to the client, chunks follow. */
  private ActorRef<ResponseStream.Element> stream;
  private boolean waiting;
  /** Takes this invocation out of the router's queue of waiting requests (a no-op once it was woken). */
  private Runnable withdraw = () -> {};
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
    this.replyTo = context.messageAdapter(NodeProtocol.Reply.class, reply -> new FromNode(1, reply));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromNode.class, this::onReply)
        .onMessage(NodeGone.class, this::onNodeGone)
        .onMessage(NodeUnreachable.class, this::onNodeUnreachable)
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
    while (picked.isPresent() && !routing.inFlight().add(picked.get().path().address(), getContext().getSelf())) {
      // Gone, though the router has not heard yet: another node, or wait.
      excluded.add(picked.get());
      picked = routing.router().pick(invocation.handlerUrl(), excluded);
    }
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
      var place = routing.router().onChange(seen, () -> self.tell(new NodesAvailable()));
      if (place.isEmpty()) {
        return finish(noCapacity());
      }
      withdraw = place.get();
      return this;
    }
    waiting = false;
    timers.cancel(WaitTimedOut.class);
    node = picked.get();
    accepted = false;
    attempt++;
    Metrics.counter("renga.gateway.routed", "node", node.path().address().toString()).increment();
    node.tell(new NodeProtocol.Invoke(invocation, attempt == 1 ? replyTo : replyToAttempt(attempt)));
    timers.startSingleTimer(AttemptTimedOut.class, new AttemptTimedOut(attempt), routing.nodeTimeout());
    return this;
  }

  /**
   * Where a retry's node replies (retries are rare: the first attempt uses the message adapter, with no child): a
   * late reply from an earlier attempt's node (it refused, left or stopped answering, then answered after all) must
   * not be taken for the current node's.
   */
  private ActorRef<NodeProtocol.Reply> replyToAttempt(int number) {
    ActorRef<Command> self = getContext().getSelf();
    return getContext()
        .spawnAnonymous(
            Behaviors.<NodeProtocol.Reply>receiveMessage(
                reply -> {
                  self.tell(new FromNode(number, reply));
                  return Behaviors.same();
                }));
  }

  private Behavior<Command> onReply(FromNode message) {
    if (message.attempt() != attempt || node == null) {
      getContext().getLog().debug("request {}: ignoring a late reply to attempt {}", invocation.requestId(), message.attempt());
      return this;
    }
    return switch (message.reply()) {
      case NodeProtocol.Accepted a -> {
        accepted = true;
        yield this;
      }
      case NodeProtocol.NotAccepted notAccepted -> retryElsewhere();
      case NodeProtocol.Completed completed -> finish(completed);
      case NodeProtocol.Head head -> startStream(head);
      case NodeProtocol.Chunk chunk -> {
        if (stream != null) {
          stream.tell(new ResponseStream.Bytes(ByteString.fromArrayUnsafe(chunk.data())));
        }
        yield this;
      }
      case NodeProtocol.Ended ended -> finish(ended);
      case NodeProtocol.Failed failed -> finish(failed);
    };
  }

  /** The handler streams: the client gets the head now, and the body as the chunks arrive. */
  private Behavior<Command> startStream(NodeProtocol.Head head) {
    // Counted until its last chunk is written, so a stopping gateway does not close the connection under it.
    var fed = ResponseStream.create(getContext().getSystem(), routing.inFlight().streamOpened());
    stream = fed.first();
    result.complete(
        new Invocations.Answer(head, Optional.of(node.path().address()), Optional.of(fed.second())));
    return this;
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

  private Behavior<Command> onNodeUnreachable(NodeUnreachable unreachable) {
    if (node == null || accepted || !unreachable.address().equals(node.path().address())) {
      return this;
    }
    getContext().getLog().debug("request {}: node {} is unreachable before accepting it, retrying", invocation.requestId(), unreachable.address());
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

  /** The final reply: answers the client, or ends (Ended) or cuts off (anything else) a streamed response. */
  private Behavior<Command> finish(NodeProtocol.Reply reply) {
    withdraw.run();
    if (stream != null) {
      stream.tell(
          reply instanceof NodeProtocol.Failed failed
              ? new ResponseStream.Abort(failed.error().code().code() + ": " + failed.error().cause())
              : new ResponseStream.End(reply instanceof NodeProtocol.Ended ended ? ended.trailers() : List.of()));
      stream = null;
    } else {
      result.complete(new Invocations.Answer(reply, Optional.ofNullable(node).map(ref -> ref.path().address())));
    }
    return Behaviors.stopped();
  }

  /** A bug in this actor must still answer the client. */
  private Behavior<Command> onPostStop() {
    withdraw.run();
    if (node != null) {
      routing.inFlight().remove(node.path().address(), getContext().getSelf());
    }
    if (stream != null) {
      stream.tell(new ResponseStream.Abort("internal error in the gateway"));
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
