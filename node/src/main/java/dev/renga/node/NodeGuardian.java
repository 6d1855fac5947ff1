package dev.renga.node;

import dev.renga.core.NodeProtocol;
import dev.renga.node.sandbox.Sandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The node's guardian: registers the node with the cluster's Receptionist and runs every invocation in its own
 * supervised {@link RequestActor} on the JS dispatcher; a request that fails never touches the guardian. It also
 * ends the node's life: after the request quota (recycle, exit 0) or when the Watchdog finds the JS dispatcher
 * blocked (exit 70). Either way it first leaves routing and refuses new work, so no request is lost.
 */
public final class NodeGuardian extends AbstractBehavior<NodeProtocol.Command> {
  /** The dispatcher that runs JavaScript (renga-js-dispatcher in reference.conf). */
  public static final DispatcherSelector JS_DISPATCHER = DispatcherSelector.fromConfig("renga-js-dispatcher");

  /** The Watchdog's own dispatcher. */
  public static final DispatcherSelector WATCHDOG_DISPATCHER = DispatcherSelector.fromConfig("renga-watchdog-dispatcher");

  private record RequestEnded(String requestId) implements NodeProtocol.Command {}

  private enum DrainTimedOut implements NodeProtocol.Command {
    INSTANCE
  }

  /**
   * Stop taking requests and answer {@code replyTo} once those in flight have ended (graceful stop: SIGTERM runs
   * coordinated shutdown, whose first task asks this). An unhealthy node answers at once: its stuck requests cannot end.
   */
  public record Drain(ActorRef<Done> replyTo) implements NodeProtocol.Command {}

  private final List<ActorRef<Done>> drainWaiters = new ArrayList<>();

  public static Behavior<NodeProtocol.Command> create(NodeSettings settings, Sandbox sandbox, NodeStatus status) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new NodeGuardian(context, timers, settings, sandbox, status)));
  }

  private final TimerScheduler<NodeProtocol.Command> timers;
  private final NodeSettings settings;
  private final Sandbox sandbox;
  private final NodeStatus status;
  private final long quota;
  private boolean exiting;
  private final ActorRef<NodeReporter.Publish> reporter;

  private NodeGuardian(
      ActorContext<NodeProtocol.Command> context,
      TimerScheduler<NodeProtocol.Command> timers,
      NodeSettings settings,
      Sandbox sandbox,
      NodeStatus status) {
    super(context);
    this.timers = timers;
    this.settings = settings;
    this.sandbox = sandbox;
    this.status = status;
    this.quota = settings.drawQuota(ThreadLocalRandom.current());
    status.quota(quota);
    var heartbeat = new HeartbeatActor.Heartbeat();
    context.spawn(HeartbeatActor.create(heartbeat, settings.heartbeatInterval()), "heartbeat", JS_DISPATCHER);
    context.spawn(
        Watchdog.create(
            new Watchdog.Limits(
                settings.watchdogInterval(),
                settings.heartbeatInterval(),
                settings.unhealthyAfter(),
                sandbox.settings().cpuLimit(),
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
    reporter = context.spawn(NodeReporter.create(status, settings.reportInterval(), settings.maxConcurrent()), "reporter");
    context.getLog().info("node up: {} JS threads, request quota {}", settings.jsThreads(), quota == 0 ? "none" : quota);
  }

  @Override
  public Receive<NodeProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeProtocol.Invoke.class, this::onInvoke)
        .onMessage(RequestEnded.class, this::onRequestEnded)
        .onMessage(Watchdog.Unhealthy.class, this::onUnhealthy)
        .onMessage(Drain.class, this::onDrain)
        .onMessageEquals(DrainTimedOut.INSTANCE, this::onDrainTimedOut)
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
    var child =
        getContext()
            .spawn(
                Behaviors.withMdc(
                    RequestActor.Command.class,
                    Map.of("requestId", invoke.invocation().requestId()),
                    RequestActor.create(invoke.invocation(), reply -> invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), reply)), sandbox)),
                "request-" + status.started(),
                JS_DISPATCHER);
    getContext().watchWith(child, new RequestEnded(invoke.invocation().requestId()));
    if (quota > 0 && status.started() >= quota) {
      getContext().getLog().info("request quota of {} reached: draining, then recycling", quota);
      leaveRouting(NodeStatus.State.DRAINING);
      timers.startSingleTimer(DrainTimedOut.INSTANCE, settings.drainTimeout());
      exitWhenDrained();
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
