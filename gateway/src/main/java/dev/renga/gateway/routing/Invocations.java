package dev.renga.gateway.routing;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.http.javadsl.model.HttpEntity.ChunkStreamPart;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Carries every invocation of this gateway to a node and back: one long-lived actor, not one per request (spawning,
 * watching and stopping an actor per request cost the gateway more than the rest of this bookkeeping).
 *
 * <p>A request a node did not start (it was draining, or it left or died before accepting it) goes to another node; a
 * request a node started is never run twice: if that node dies, the client gets 502 node-lost. A node that only stops
 * answering the failure detector (unreachable) may be paused rather than dead: requests it accepted wait for it,
 * bounded by the node timeout, until it answers or is removed. With no node available the request waits, bounded, for
 * one to appear. A tenant above its fair share while others wait gets 429 tenant-overloaded.
 *
 * <p>Each attempt (a send to one node) has an id of its own, which the node's replies carry: a late reply from an
 * earlier attempt's node (it refused, left or stopped answering, then answered after all) finds no attempt and is
 * ignored.
 */
public final class Invocations extends AbstractBehavior<Invocations.Command> {
  public sealed interface Command {}

  /** Start an invocation; {@code result} completes with the node's final answer or a contract error. */
  public record Start(Invocation invocation, CompletableFuture<Answer> result) implements Command {}

  /** The node at this address left or was removed: it will never answer. */
  public record NodeGone(Address address) implements Command {}

  /** The node at this address does not answer the failure detector: it may be dead or only paused. */
  public record NodeUnreachable(Address address) implements Command {}

  private record FromNode(NodeProtocol.Replied replied) implements Command {}

  private record NodesAvailable(Pending pending) implements Command {}

  private record AttemptTimedOut(long attempt) implements Command {}

  private record WaitTimedOut(Pending pending) implements Command {}

  /**
   * The node's answer and the node that gave it (empty when no node ran the request): a final reply, or the
   * {@link NodeProtocol.Head} of a streamed response with its body.
   */
  public record Answer(NodeProtocol.Reply reply, Optional<Address> node, Optional<Source<ChunkStreamPart, NotUsed>> body) {
    public Answer(NodeProtocol.Reply reply, Optional<Address> node) {
      this(reply, node, Optional.empty());
    }
  }

  /** What an invocation needs from the gateway. */
  public record Routing(
      NodeRouter router,
      InFlightInvocations inFlight,
      Quarantine quarantine,
      Duration nodeTimeout,
      Duration queueTimeout) {}

  public static Behavior<Command> create(Routing routing, TenantShares shares) {
    // Each message's handling catches its own failures (see guarded); resuming keeps every other invocation going
    // should anything escape.
    return Behaviors.supervise(
            Behaviors.<Command>setup(
                context -> Behaviors.withTimers(timers -> new Invocations(context, timers, routing, shares))))
        .onFailure(SupervisorStrategy.resume());
  }

  private final TimerScheduler<Command> timers;
  private final Routing routing;
  private final TenantShares shares;
  /** Where every node replies, for every attempt. */
  private final ActorRef<NodeProtocol.Replied> replyTo;
  /** The invocations by the id of their current attempt (an invocation that waits for a node has none). */
  private final Map<Long, Pending> byAttempt = new HashMap<>();
  /** Every invocation not yet finished. */
  private final Set<Pending> running = new HashSet<>();
  private long lastAttempt;
  private final Map<Address, Counter> routed = new HashMap<>();

  private Invocations(
      ActorContext<Command> context, TimerScheduler<Command> timers, Routing routing, TenantShares shares) {
    super(context);
    this.timers = timers;
    this.routing = routing;
    this.shares = shares;
    this.replyTo = context.messageAdapter(NodeProtocol.Replied.class, FromNode::new);
    routing.inFlight().reportTo(context.getSelf());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Start.class, this::onStart)
        .onMessage(FromNode.class, this::onReply)
        .onMessage(NodeGone.class, this::onNodeGone)
        .onMessage(NodeUnreachable.class, this::onNodeUnreachable)
        .onMessage(NodesAvailable.class, m -> guarded(m.pending(), () -> m.pending().waiting ? dispatch(m.pending()) : this))
        .onMessage(AttemptTimedOut.class, this::onAttemptTimedOut)
        .onMessage(WaitTimedOut.class, m -> guarded(m.pending(), () -> m.pending().waiting ? finish(m.pending(), noCapacity()) : this))
        .build();
  }

  /** One invocation's state; only this actor touches it. */
  private static final class Pending {
    final Invocation invocation;
    final CompletableFuture<Answer> result;
    final String tenant;
    final Set<ActorRef<NodeProtocol.Command>> excluded = new HashSet<>();
    ActorRef<NodeProtocol.Command> node;
    /** The id of the attempt on {@link #node}. */
    long attempt;
    boolean accepted;
    /** Set while the response streams: the head went to the client, chunks follow. */
    ActorRef<ResponseStream.Element> stream;
    boolean waiting;
    /** Takes this invocation out of the router's queue of waiting requests (a no-op once it was woken). */
    Runnable withdraw = () -> {};
    long waitDeadline;
    boolean finished;

    Pending(Invocation invocation, CompletableFuture<Answer> result, String tenant) {
      this.invocation = invocation;
      this.result = result;
      this.tenant = tenant;
    }
  }

  private Behavior<Command> onStart(Start start) {
    var match = shares.tenantOf(start.invocation().handlerUrl());
    String tenant = match.key();
    var overShare = shares.overShare(match);
    if (overShare.isPresent()) {
      start.result().complete(new Answer(tenantOverloaded(tenant, shares.holds(tenant), overShare.get()), Optional.empty()));
      return this;
    }
    Pending pending = new Pending(start.invocation(), start.result(), tenant);
    running.add(pending);
    shares.started(tenant);
    return guarded(pending, () -> dispatch(pending));
  }

  /**
   * Runs one invocation's step; a bug in it fails that invocation (500 exception), not the others, as one actor per
   * request used to.
   */
  private Behavior<Command> guarded(Pending pending, Supplier<Behavior<Command>> step) {
    if (pending.finished) {
      return this;
    }
    try {
      return step.get();
    } catch (RuntimeException e) {
      getContext().getLog().error("request {}: internal error in the gateway", pending.invocation.requestId(), e);
      return fail(pending);
    }
  }

  /** Sends the invocation to a node, or waits for one. */
  private Behavior<Command> dispatch(Pending pending) {
    if (pending.waiting) {
      // Woken after waiting: a node that refused the request at capacity may have room now (gone and draining nodes
      // are no longer routable).
      pending.excluded.clear();
    }
    long seen = routing.router().version();
    long attempt = ++lastAttempt;
    var picked = routing.router().pick(pending.invocation.handlerUrl(), pending.excluded);
    while (picked.isPresent() && !routing.inFlight().add(picked.get().path().address(), attempt)) {
      // Gone, though the router has not heard yet: another node, or wait.
      pending.excluded.add(picked.get());
      picked = routing.router().pick(pending.invocation.handlerUrl(), pending.excluded);
    }
    if (picked.isEmpty()) {
      if (!pending.waiting) {
        pending.waiting = true;
        // The queue timeout bounds all the time spent waiting, however often a full node refuses the request.
        long now = System.nanoTime();
        if (pending.waitDeadline == 0) {
          pending.waitDeadline = now + routing.queueTimeout().toNanos();
        }
        timers.startSingleTimer(pending, new WaitTimedOut(pending), Duration.ofNanos(Math.max(0, pending.waitDeadline - now)));
      }
      ActorRef<Command> self = getContext().getSelf();
      var place = routing.router().onChange(seen, () -> self.tell(new NodesAvailable(pending)));
      if (place.isEmpty()) {
        return finish(pending, noCapacity());
      }
      pending.withdraw = place.get();
      return this;
    }
    if (pending.waiting) {
      pending.waiting = false;
      timers.cancel(pending);
    }
    pending.node = picked.get();
    pending.accepted = false;
    pending.attempt = attempt;
    byAttempt.put(attempt, pending);
    Address address = pending.node.path().address();
    routed.computeIfAbsent(address, a -> Metrics.counter("renga.gateway.routed", "node", a.toString())).increment();
    pending.node.tell(new NodeProtocol.Invoke(pending.invocation, attempt, replyTo));
    timers.startSingleTimer(attempt, new AttemptTimedOut(attempt), routing.nodeTimeout());
    return this;
  }

  private Behavior<Command> onReply(FromNode message) {
    Pending pending = byAttempt.get(message.replied().id());
    if (pending == null) {
      getContext().getLog().debug("ignoring a late reply to attempt {}", message.replied().id());
      return this;
    }
    return guarded(
        pending,
        () ->
            switch (message.replied().reply()) {
              case NodeProtocol.Accepted a -> {
                pending.accepted = true;
                yield this;
              }
              case NodeProtocol.NotAccepted notAccepted -> retryElsewhere(pending);
              case NodeProtocol.Completed completed -> finish(pending, completed);
              case NodeProtocol.Head head -> startStream(pending, head);
              case NodeProtocol.Chunk chunk -> {
                if (pending.stream != null) {
                  pending.stream.tell(new ResponseStream.Bytes(ByteString.fromArrayUnsafe(chunk.data())));
                }
                yield this;
              }
              case NodeProtocol.Ended ended -> finish(pending, ended);
              case NodeProtocol.Failed failed -> finish(pending, failed);
            });
  }

  /** The handler streams: the client gets the head now, and the body as the chunks arrive. */
  private Behavior<Command> startStream(Pending pending, NodeProtocol.Head head) {
    // Counted until its last chunk is written, so a stopping gateway does not close the connection under it.
    var fed = ResponseStream.create(getContext().getSystem(), routing.inFlight().streamOpened());
    pending.stream = fed.first();
    pending.result.complete(new Answer(head, Optional.of(pending.node.path().address()), Optional.of(fed.second())));
    return this;
  }

  private Behavior<Command> onNodeGone(NodeGone gone) {
    for (Pending pending : onNode(gone.address())) {
      guarded(
          pending,
          () -> {
            getContext()
                .getLog()
                .debug(
                    "request {}: node {} is gone ({})",
                    pending.invocation.requestId(),
                    gone.address(),
                    pending.accepted ? "lost" : "not started, retrying");
            if (pending.accepted) {
              routing.quarantine().nodeLost(pending.invocation.handlerUrl(), gone.address());
              return finish(
                  pending,
                  new NodeProtocol.Failed(
                      new HandlerError(
                          ErrorCode.NODE_LOST, "the node " + gone.address() + " was lost while running the request")));
            }
            return retryElsewhere(pending);
          });
    }
    return this;
  }

  private Behavior<Command> onNodeUnreachable(NodeUnreachable unreachable) {
    for (Pending pending : onNode(unreachable.address())) {
      if (!pending.accepted) {
        guarded(
            pending,
            () -> {
              getContext()
                  .getLog()
                  .debug(
                      "request {}: node {} is unreachable before accepting it, retrying",
                      pending.invocation.requestId(),
                      unreachable.address());
              return retryElsewhere(pending);
            });
      }
    }
    return this;
  }

  /** The invocations whose current attempt went to the node at {@code address}. */
  private List<Pending> onNode(Address address) {
    List<Pending> found = new ArrayList<>();
    for (Pending pending : byAttempt.values()) {
      if (pending.node != null && pending.node.path().address().equals(address)) {
        found.add(pending);
      }
    }
    return found;
  }

  private Behavior<Command> onAttemptTimedOut(AttemptTimedOut timedOut) {
    Pending pending = byAttempt.get(timedOut.attempt());
    if (pending == null) {
      return this;
    }
    return guarded(
        pending,
        () ->
            finish(
                pending,
                new NodeProtocol.Failed(
                    new HandlerError(
                        ErrorCode.NODE_LOST,
                        "the node " + pending.node.path().address() + " did not answer within "
                            + routing.nodeTimeout().toMillis() + "ms"))));
  }

  private Behavior<Command> retryElsewhere(Pending pending) {
    endAttempt(pending);
    pending.excluded.add(pending.node);
    pending.node = null;
    return dispatch(pending);
  }

  /** The current attempt is over: its replies are ignored from now on, and the node no longer counts it. */
  private void endAttempt(Pending pending) {
    if (pending.node != null && byAttempt.remove(pending.attempt) != null) {
      timers.cancel(pending.attempt);
      routing.inFlight().remove(pending.node.path().address(), pending.attempt);
    }
  }

  /** The final reply: answers the client, or ends (Ended) or cuts off (anything else) a streamed response. */
  private Behavior<Command> finish(Pending pending, NodeProtocol.Reply reply) {
    end(pending);
    if (pending.stream != null) {
      pending.stream.tell(
          reply instanceof NodeProtocol.Failed failed
              ? new ResponseStream.Abort(failed.error().code().code() + ": " + failed.error().cause())
              : new ResponseStream.End(reply instanceof NodeProtocol.Ended ended ? ended.trailers() : List.of()));
      pending.stream = null;
    } else {
      pending.result.complete(new Answer(reply, Optional.ofNullable(pending.node).map(ref -> ref.path().address())));
    }
    return this;
  }

  /** A bug in the gateway must still answer the client, and must not leave the invocation counted anywhere. */
  private Behavior<Command> fail(Pending pending) {
    try {
      if (!pending.finished) {
        end(pending);
      }
    } finally {
      if (pending.stream != null) {
        pending.stream.tell(new ResponseStream.Abort("internal error in the gateway"));
        pending.stream = null;
      }
      // A no-op if the client was answered already (a streamed response's head).
      pending.result.complete(
          new Answer(
              new NodeProtocol.Failed(new HandlerError(ErrorCode.EXCEPTION, "internal error in the gateway")), Optional.empty()));
    }
    return this;
  }

  private void end(Pending pending) {
    pending.finished = true;
    if (running.remove(pending)) {
      shares.ended(pending.tenant);
    }
    pending.withdraw.run();
    if (pending.waiting) {
      timers.cancel(pending);
    }
    endAttempt(pending);
  }

  private NodeProtocol.Failed noCapacity() {
    return new NodeProtocol.Failed(
        new HandlerError(
            ErrorCode.NO_CAPACITY,
            "no node in the cluster could take the request within " + routing.queueTimeout().toMillis() + "ms"));
  }

  private static NodeProtocol.Failed tenantOverloaded(String tenant, int holds, long share) {
    return new NodeProtocol.Failed(
        new HandlerError(
            ErrorCode.TENANT_OVERLOADED,
            "tenant " + tenant + " has " + holds + " requests running or waiting, its fair share of the cluster is "
                + share + " while other requests wait"));
  }
}
