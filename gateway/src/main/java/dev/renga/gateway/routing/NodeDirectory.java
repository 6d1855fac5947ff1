package dev.renga.gateway.routing;

import dev.renga.core.NodeProtocol;
import java.util.Comparator;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Follows the nodes registered with the cluster's Receptionist and publishes them to the {@link NodeRouter}. */
public final class NodeDirectory {
  private NodeDirectory() {}

  public static Behavior<Receptionist.Listing> create(NodeRouter router) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.subscribe(NodeProtocol.NODE_SERVICE, context.getSelf()));
          return Behaviors.receiveMessage(
              listing -> {
                var nodes =
                    listing.getServiceInstances(NodeProtocol.NODE_SERVICE).stream()
                        .sorted(Comparator.comparing(ref -> ref.path().toString()))
                        .toList();
                context.getLog().info("{} node(s) available: {}", nodes.size(), nodes.stream().map(r -> r.path().address()).toList());
                router.update(nodes);
                return Behaviors.same();
              });
        });
  }
}
