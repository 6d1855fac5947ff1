package dev.renga.node;

import dev.renga.core.NodeProtocol;
import dev.renga.core.NodeReport;
import dev.renga.node.sandbox.Sandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The node's guardian: registers the node with the cluster's Receptionist and runs every invocation in its own
 * supervised {@link RequestActor} on the JS dispatcher; a request that fails never touches the guardian. It also
 * ends the node's life: after the request quota (recycle, exit 0) or when the Watchdog finds the JS dispatcher
 * blocked (exit 70). Either way it first leaves routing and refuses new work, so no request is lost. Under a launcher,
 * a node at its quota first asks for its replacement and serves on until that one is routed and reports itself warm
 * ({@link Replacement}, {@link NodeReport#warm()}), so a planned recycle never lowers the cluster's capacity; past a
 * hard ceiling it hands over to the replacement as soon as it is routed, warm or not.
 */
public final class NodeGuardian extends AbstractBehavior<NodeProtocol.Command> {
  /** The dispatcher that runs JavaScript (renga-js-dispatcher in reference.conf). */
  public static final DispatcherSelector JS_DISPATCHER = DispatcherSelector.fromConfig("renga-js-dispatcher");

  /** The Watchdog's own dispatcher. */
  public static final DispatcherSelector WATCHDOG_DISPATCHER = DispatcherSelector.fromConfig("renga-watchdog-dispatcher");

  private record RequestEnded(String requestId) implements NodeProtocol.Command {}

  /** The Receptionist's nodes changed: perhaps the replacement this node waits for is among them. */
  private record NodesListed(Receptionist.Listing listing) implements NodeProtocol.Command {}

  /** A node's report: perhaps the replacement this node waits for says it is warm. */
  private record ReportReceived(NodeReport report) implements NodeProtocol.Command {}

  /** The replacement has been routed for the handover time: leave. */
  private enum HandedOver implements NodeProtocol.Command {
    INSTANCE
  }

  private enum DrainTimedOut implements NodeProtocol.Command {
    INSTANCE
  }

  /** Past its ceiling, the node waited {@link #REPLACEMENT_WAIT} and its replacement never got routed. */
  private enum NoReplacement implements NodeProtocol.Command {
    INSTANCE
  }

  /**
   * How long a node past its hard ceiling waits for a replacement that is not routed yet (still starting or joining:
   * 10-60 s on 2 busy cores) before it drains without one: leaving earlier would leave its requests no node.
   */
  static final Duration REPLACEMENT_WAIT = Duration.ofSeconds(60);

  /**
   * Stop taking requests and answer {@code replyTo} once those in flight have ended (graceful stop: SIGTERM runs
   * coordinated shutdown, whose first task asks this). An unhealthy node answers at once: its stuck requests cannot end.
   */
  public record Drain(ActorRef<Done> replyTo) implements NodeProtocol.Command {}

  private final List<ActorRef<Done>> drainWaiters = new ArrayList<>();

  public static Behavior<NodeProtocol.Command> create(NodeSettings settings, Sandbox sandbox, NodeStatus status) {
    return create(settings, sandbox, status, Replacement.NONE);
  }

  /** A guardian that, at its request quota, asks {@code replacement} for a successor and leaves once it is routed. */
  public static Behavior<NodeProtocol.Command> create(
      NodeSettings settings, Sandbox sandbox, NodeStatus status, Replacement replacement) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new NodeGuardian(context, timers, settings, sandbox, status, replacement)));
  }

  private final TimerScheduler<NodeProtocol.Command> timers;
  private final NodeSettings settings;
  private final Sandbox sandbox;
  private final NodeStatus status;
  private final long quota;
  /** The hard ceiling: past this many requests the node hands over to a replacement that is routed but not warm. */
  private final long ceiling;
  private final Replacement replacement;
  /** At its quota, serving on until the replacement it asked for is routed and warm. */
  private boolean awaitingReplacement;
  /** Past the hard ceiling: the replacement need not be warm any more, only routed. */
  private boolean pastCeiling;
  /** The replacement, once it is an up member registered with the Receptionist (gateways route to it). */
  private Address routedReplacement;
  /** The addresses of the nodes that reported themselves warm since this node reached its quota. */
  private final Set<String> warmNodes = new HashSet<>();
  private boolean handingOver;
  private boolean exiting;
  private final ActorRef<NodeReporter.Publish> reporter;
  /** The node's topic of reports: its own go out on it, and, at its quota, its replacement's come in. */
  private final ActorRef<Topic.Command<NodeReport>> reports;

  private NodeGuardian(
      ActorContext<NodeProtocol.Command> context,
      TimerScheduler<NodeProtocol.Command> timers,
      NodeSettings settings,
      Sandbox sandbox,
      NodeStatus status,
      Replacement replacement) {
    super(context);
    this.timers = timers;
    this.settings = settings;
    this.sandbox = sandbox;
    this.status = status;
    this.quota = settings.drawQuota(ThreadLocalRandom.current());
    this.ceiling = Math.max(quota, Math.round(quota * settings.maxRequestsCeiling()));
    this.replacement = replacement;
    status.quota(quota);
    var heartbeat = new HeartbeatActor.Heartbeat();
    context.spawn(HeartbeatActor.create(heartbeat, settings.heartbeatInterval()), "heartbeat", JS_DISPATCHER);
    context.spawn(
        Watchdog.create(
            new Watchdog.Limits(
                settings.watchdogInterval(),
                settings.heartbeatInterval(),
                settings.unhealthyAfter(),
                sandbox.settings().memoryLimit(),
                settings.heapGuard()),
            sandbox.turns(),
            heartbeat,
            status,
            sandbox.blocking(),
            context.getSelf()),
        "watchdog",
        WATCHDOG_DISPATCHER);
    context.getSystem().receptionist().tell(Receptionist.register(NodeProtocol.NODE_SERVICE, context.getSelf()));
    status.state(NodeStatus.State.UP);
    reports = context.spawn(Topic.create(NodeReport.class, NodeReport.TOPIC), "reports");
    reporter =
        context.spawn(
            NodeReporter.create(reports, status, settings.reportInterval(), settings.maxConcurrent()), "reporter");
    context.getLog().info("node up: {} JS threads, request quota {}", settings.jsThreads(), quota == 0 ? "none" : quota);
  }

  @Override
  public Receive<NodeProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeProtocol.Invoke.class, this::onInvoke)
        .onMessage(RequestEnded.class, this::onRequestEnded)
        .onMessage(Watchdog.Unhealthy.class, this::onUnhealthy)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(NodesListed.class, this::onNodesListed)
        .onMessage(ReportReceived.class, this::onReport)
        .onMessageEquals(HandedOver.INSTANCE, this::onHandedOver)
        .onMessageEquals(DrainTimedOut.INSTANCE, this::onDrainTimedOut)
        .onMessageEquals(NoReplacement.INSTANCE, this::onNoReplacement)
        .build();
  }

  private Behavior<NodeProtocol.Command> onInvoke(NodeProtocol.Invoke invoke) {
    if (status.state() != NodeStatus.State.UP) {
      invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), new NodeProtocol.NotAccepted("node is " + status.state().name().toLowerCase())));
      return this;
    }
    // Gateways keep below the capacity the node reports; this catches their stale views and several gateways at once.
    if (status.inFlight() >= settings.maxConcurrent()) {
      invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), new NodeProtocol.NotAccepted("node is at capacity (" + settings.maxConcurrent() + " requests)")));
      return this;
    }
    invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), new NodeProtocol.Accepted()));
    status.requestStarted();
    var child = getContext().spawn(RequestActor.forInvoke(invoke, sandbox), "request-" + status.started(), JS_DISPATCHER);
    getContext().watchWith(child, new RequestEnded(invoke.invocation().requestId()));
    if (quota > 0 && status.started() >= quota) {
      quotaReached();
    }
    return this;
  }

  /**
   * Make-before-break: at the quota the node asks for its replacement and serves on until that one is routed and warm;
   * at the hard ceiling it hands over as soon as the replacement is routed, warm or not; with no one to ask it drains
   * at once.
   */
  private void quotaReached() {
    if (status.state() != NodeStatus.State.UP) {
      return;
    }
    if (awaitingReplacement && status.started() >= ceiling) {
      if (!pastCeiling) {
        pastCeiling = true;
        getContext().getLog().warn(
            "hard request ceiling of {} reached: handing over as soon as the replacement is routed, warm or not",
            ceiling);
        timers.startSingleTimer(NoReplacement.INSTANCE, REPLACEMENT_WAIT);
        handOverIfReady();
      }
    } else if (!awaitingReplacement && ceiling > quota && replacement.ask()) {
      awaitingReplacement = true;
      getContext().getLog().info(
          "request quota of {} reached: serving on until the replacement is routed and warm (at most {} requests)",
          quota, ceiling);
      getContext().getSystem().receptionist().tell(
          Receptionist.subscribe(
              NodeProtocol.NODE_SERVICE, getContext().messageAdapter(Receptionist.Listing.class, NodesListed::new)));
      reports.tell(Topic.subscribe(getContext().messageAdapter(NodeReport.class, ReportReceived::new)));
    } else if (!awaitingReplacement) {
      getContext().getLog().info("request quota of {} reached: draining, then recycling", quota);
      recycle();
    }
  }

  private void recycle() {
    leaveRouting(NodeStatus.State.DRAINING);
    timers.startSingleTimer(DrainTimedOut.INSTANCE, settings.drainTimeout());
    exitWhenDrained();
  }

  /**
   * Perhaps the replacement is now registered (gateways route to it once they have the same listing), or the one seen
   * before has left (it died before the hand-over): then this node waits for the next one.
   */
  private Behavior<NodeProtocol.Command> onNodesListed(NodesListed listed) {
    if (!awaitingReplacement || handingOver || status.state() != NodeStatus.State.UP) {
      return this;
    }
    Address found = registeredReplacement(listed.listing());
    if (Objects.equals(found, routedReplacement)) {
      return this;
    }
    if (found == null) {
      getContext().getLog().warn("replacement {} has left before the hand-over: waiting for the next one",
          routedReplacement);
    } else {
      getContext().getLog().info("replacement {} is registered", found);
    }
    routedReplacement = found;
    handOverIfReady();
    return this;
  }

  /**
   * A node in the listing that is up in the cluster and younger than this one (the one seen before while it still is),
   * if any.
   */
  private Address registeredReplacement(Receptionist.Listing listing) {
    var cluster = org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem());
    var self = cluster.selfMember().address();
    List<Address> found = new ArrayList<>();
    for (var node : listing.getServiceInstances(NodeProtocol.NODE_SERVICE)) {
      var address = node.path().address();
      if (address.hasLocalScope() || address.equals(self)) {
        continue;
      }
      for (var member : cluster.state().getMembers()) {
        if (member.address().equals(address)
            && member.status() == org.apache.pekko.cluster.MemberStatus.up()
            && replacement.isReplacement(member)) {
          found.add(address);
        }
      }
    }
    return found.contains(routedReplacement) ? routedReplacement : found.stream().findFirst().orElse(null);
  }

  private Behavior<NodeProtocol.Command> onReport(ReportReceived received) {
    if (awaitingReplacement && received.report().warm()) {
      warmNodes.add(received.report().address());
      handOverIfReady();
    }
    return this;
  }

  /**
   * The replacement is routed and warm (its compilers have settled under the traffic it takes beside this node), or
   * routed and this node is past its ceiling: leave routing shortly, once every gateway has it in its listing.
   */
  private void handOverIfReady() {
    if (handingOver || routedReplacement == null || status.state() != NodeStatus.State.UP) {
      return;
    }
    boolean warm = warmNodes.contains(routedReplacement.toString());
    if (!warm && !pastCeiling) {
      return;
    }
    handingOver = true;
    timers.cancel(NoReplacement.INSTANCE);
    getContext().getLog().info(
        "replacement {} is {} after {} requests here: leaving routing in {} ms",
        routedReplacement, warm ? "warm" : "routed (not warm yet; past the ceiling)", status.started(),
        settings.handover().toMillis());
    timers.startSingleTimer(HandedOver.INSTANCE, settings.handover());
  }

  private Behavior<NodeProtocol.Command> onNoReplacement() {
    if (status.state() == NodeStatus.State.UP && !handingOver) {
      getContext().getLog().warn(
          "no replacement routed {} s after the hard ceiling: draining and recycling without one",
          REPLACEMENT_WAIT.toSeconds());
      recycle();
    }
    return this;
  }

  private Behavior<NodeProtocol.Command> onHandedOver() {
    if (status.state() == NodeStatus.State.UP) {
      getContext().getLog().info("replacement routed: draining, then recycling");
      recycle();
    }
    return this;
  }

  private Behavior<NodeProtocol.Command> onRequestEnded(RequestEnded ended) {
    status.requestEnded();
    answerDrainWaiters();
    exitWhenDrained();
    return this;
  }

  private Behavior<NodeProtocol.Command> onDrain(Drain drain) {
    if (status.state() == NodeStatus.State.UP) {
      getContext().getLog().info("stopping: leaving routing, then waiting for {} request(s) in flight", status.inFlight());
    }
    leaveRouting(status.state() == NodeStatus.State.UP ? NodeStatus.State.DRAINING : status.state());
    drainWaiters.add(drain.replyTo());
    answerDrainWaiters();
    return this;
  }

  private void answerDrainWaiters() {
    if (status.inFlight() == 0 || status.state() == NodeStatus.State.UNHEALTHY) {
      drainWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
      drainWaiters.clear();
    }
  }

  private Behavior<NodeProtocol.Command> onUnhealthy(Watchdog.Unhealthy unhealthy) {
    getContext().getLog().error("node unhealthy: {}; leaving routing and exiting", unhealthy.reason());
    leaveRouting(NodeStatus.State.UNHEALTHY);
    // Requests stuck on blocked threads cannot finish: do not wait for them.
    exit(new NodeExit.Unhealthy());
    return this;
  }

  private Behavior<NodeProtocol.Command> onDrainTimedOut() {
    getContext().getLog().warn("{} request(s) still in flight after the drain timeout; exiting", status.inFlight());
    exit(new NodeExit.Recycle());
    return this;
  }

  private void leaveRouting(NodeStatus.State state) {
    if (status.state() == NodeStatus.State.UP) {
      getContext().getSystem().receptionist().tell(Receptionist.deregister(NodeProtocol.NODE_SERVICE, getContext().getSelf()));
    }
    status.state(state);
    reporter.tell(NodeReporter.Publish.INSTANCE);
  }

  private void exitWhenDrained() {
    if (status.state() == NodeStatus.State.DRAINING && status.inFlight() == 0) {
      exit(new NodeExit.Recycle());
    }
  }

  private void exit(CoordinatedShutdown.Reason reason) {
    if (exiting) {
      return;
    }
    exiting = true;
    var system = getContext().getSystem();
    CoordinatedShutdown.get(system).runAll(reason);
    if (!system.settings().config().getBoolean("pekko.coordinated-shutdown.exit-jvm")) {
      return; // an actor system inside a JVM that lives on (tests): its shutdown must not halt that JVM
    }
    // A blocked JS dispatcher can keep actor-system termination from finishing: never outlive it by much.
    Thread backstop =
        Thread.ofPlatform()
            .daemon()
            .name("renga-exit-backstop")
            .unstarted(
                () -> {
                  try {
                    Thread.sleep(Duration.ofSeconds(30));
                  } catch (InterruptedException e) {
                    return;
                  }
                  Runtime.getRuntime().halt(reason instanceof NodeExit.Unhealthy ? 70 : 0);
                });
    backstop.start();
  }
}
