package dev.renga.gateway.routing;

import dev.renga.core.NodeProtocol;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Picks the node for a request from the latest set of registered nodes. Lock-free on the request path: the
 * {@link NodeDirectory} actor publishes an immutable snapshot, requests only read it.
 */
public final class NodeRouter {
  private volatile List<ActorRef<NodeProtocol.Command>> nodes = List.of();
  private final AtomicInteger next = new AtomicInteger();

  /** The node for this handler, or empty when no node is available. */
  public Optional<ActorRef<NodeProtocol.Command>> pick(String handlerUrl) {
    List<ActorRef<NodeProtocol.Command>> current = nodes;
    if (current.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(current.get(Math.floorMod(next.getAndIncrement(), current.size())));
  }

  /** The nodes requests are routed to now. */
  public List<ActorRef<NodeProtocol.Command>> nodes() {
    return nodes;
  }

  /** Publishes the nodes to route to from now on. */
  public void update(List<ActorRef<NodeProtocol.Command>> nodes) {
    this.nodes = List.copyOf(nodes);
  }
}
