package dev.renga.gateway.routing;

import dev.renga.core.NodeProtocol;
import dev.renga.core.NodeReport;
import io.micrometer.core.instrument.Metrics;
import java.util.Comparator;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Follows the nodes registered with the cluster's Receptionist, the cluster's failure detector and the nodes' own
 * reports (state, capacity, in-flight), publishes the routable nodes to the {@link NodeRouter}, and tells the
 * invocations waiting on a node when that node is gone.
 */
public final class NodeDirectory extends AbstractBehavior<NodeDirectory.Command> {
  public sealed interface Command {}

  private record ListingChanged(Receptionist.Listing listing) implements Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record Reported(NodeReport report) implements Command {}

  public static Behavior<Command> create(NodeRouter router, InFlightInvocations inFlight, NodeReports reports) {
    return Behaviors.setup(context -> new NodeDirectory(context, router, inFlight, reports));
  }

  private final NodeRouter router;
  private final InFlightInvocations inFlight;
  private final NodeReports reports;

  private NodeDirectory(
      ActorContext<Command> context, NodeRouter router, InFlightInvocations inFlight, NodeReports reports) {
    super(context);
    this.router = router;
    this.inFlight = inFlight;
    this.reports = reports;
    context
        .spawn(Topic.create(NodeReport.class, NodeReport.TOPIC), "node-reports")
        .tell(Topic.subscribe(context.messageAdapter(NodeReport.class, Reported::new)));
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.subscribe(NodeProtocol.NODE_SERVICE, context.messageAdapter(Receptionist.Listing.class, ListingChanged::new)));
    var cluster = Cluster.get(context.getSystem()).subscriptions();
    cluster.tell(Subscribe.create(context.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new), ClusterEvent.MemberEvent.class));
    cluster.tell(
        Subscribe.create(
            context.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
            ClusterEvent.ReachabilityEvent.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ListingChanged.class, this::onListing)
        .onMessage(MemberChanged.class, this::onMember)
        .onMessage(ReachabilityChanged.class, this::onReachability)
        .onMessage(Reported.class, this::onReported)
        .build();
  }

  private Behavior<Command> onListing(ListingChanged changed) {
    var nodes =
        changed.listing().getServiceInstances(NodeProtocol.NODE_SERVICE).stream()
            .sorted(Comparator.comparing(ref -> ref.path().toString()))
            .toList();
    getContext().getLog().info("{} node(s) registered: {}", nodes.size(), nodes.stream().map(r -> r.path().address()).toList());
    router.update(nodes);
    return this;
  }

  private Behavior<Command> onReported(Reported reported) {
    reports.update(reported.report());
    router.reported(AddressFromURIString.parse(reported.report().address()), reported.report());
    return this;
  }

  private Behavior<Command> onMember(MemberChanged changed) {
    // A node JVM restarted on a fixed port has the address of the one that left: it is a new node, not gone.
    if (changed.event() instanceof ClusterEvent.MemberJoined
        || changed.event() instanceof ClusterEvent.MemberWeaklyUp
        || changed.event() instanceof ClusterEvent.MemberUp) {
      inFlight.nodeBack(changed.event().member().address());
    }
    // A node that left (recycle) or was removed cannot answer anything sent to it that it had not accepted.
    if (changed.event() instanceof ClusterEvent.MemberExited
        || changed.event() instanceof ClusterEvent.MemberRemoved
        || changed.event() instanceof ClusterEvent.MemberDowned) {
      var address = changed.event().member().address();
      router.markUnreachable(address);
      inFlight.nodeGone(address);
      if (changed.event() instanceof ClusterEvent.MemberRemoved) {
        reports.remove(address.toString());
        router.forget(address);
        forgetMeters(address);
      }
    }
    // Exited: the node left on its own (recycle, graceful stop); downed: it was lost (crash, kill, partition).
    if (changed.event().member().hasRole("node")
        && (changed.event() instanceof ClusterEvent.MemberExited || changed.event() instanceof ClusterEvent.MemberDowned)) {
      String kind = changed.event() instanceof ClusterEvent.MemberExited ? "left" : "lost";
      Metrics.counter("renga.gateway.node.departures", "kind", kind).increment();
    }
    return this;
  }

  /** A removed node's series go: nodes on port 0 get a new address each JVM, and each recycle would leave one. */
  static void forgetMeters(Address node) {
    Metrics.globalRegistry.find("renga.gateway.routed").tag("node", node.toString()).meters()
        .forEach(Metrics.globalRegistry::remove);
  }

  private Behavior<Command> onReachability(ReachabilityChanged changed) {
    var address = changed.event().member().address();
    if (changed.event() instanceof ClusterEvent.UnreachableMember) {
      getContext()
          .getLog()
          .warn("node {} is unreachable: no longer routed to; the requests it runs wait for it to answer or be removed", address);
      router.markUnreachable(address);
      inFlight.nodeUnreachable(address);
    } else if (changed.event() instanceof ClusterEvent.ReachableMember) {
      getContext().getLog().info("node {} is reachable again", address);
      inFlight.nodeBack(address);
      router.markReachable(address);
    }
    return this;
  }
}
