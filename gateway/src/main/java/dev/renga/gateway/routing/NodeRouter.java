package dev.renga.gateway.routing;

import dev.renga.core.NodeProtocol;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Picks the node for a request from the latest set of routable nodes. Lock-free on the request path: the
 * {@link NodeDirectory} actor publishes an immutable snapshot, requests only read it.
 */
public final class NodeRouter {
  private volatile List<ActorRef<NodeProtocol.Command>> registered = List.of();
  private volatile List<ActorRef<NodeProtocol.Command>> routable = List.of();
  /** Nodes the failure detector currently reports unreachable; skipped until they are reachable again. */
  private final Set<Address> unreachable = ConcurrentHashMap.newKeySet();

  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final int maxWaiting;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong version = new AtomicLong();

  /** @param maxWaiting how many requests may wait for a node at once (renga.gateway.queue.max) */
  public NodeRouter(int maxWaiting) {
    this.maxWaiting = maxWaiting;
    Metrics.gauge("renga.gateway.queue.length", waitingCount);
    Metrics.gauge("renga.gateway.nodes.routable", this, router -> router.routable.size());
  }

  /** A routable node for this handler that is not in {@code excluded}, or empty when there is none. */
  public Optional<ActorRef<NodeProtocol.Command>> pick(String handlerUrl, Set<ActorRef<NodeProtocol.Command>> excluded) {
    List<ActorRef<NodeProtocol.Command>> current = routable;
    int size = current.size();
    int start = Math.floorMod(next.getAndIncrement(), Math.max(1, size));
    for (int i = 0; i < size; i++) {
      ActorRef<NodeProtocol.Command> node = current.get((start + i) % size);
      if (!excluded.contains(node)) {
        return Optional.of(node);
      }
    }
    return Optional.empty();
  }

  /** The nodes requests are routed to now. */
  public List<ActorRef<NodeProtocol.Command>> nodes() {
    return routable;
  }

  /** Changes each time the routable nodes change; read it before {@link #pick} to wait for the next change. */
  public long version() {
    return version.get();
  }

  /**
   * Runs {@code callback} once, when the routable nodes have changed since {@code seenVersion} (at once if they
   * already have); false, and no callback, when the queue of waiting requests is full.
   */
  public boolean onChange(long seenVersion, Runnable callback) {
    if (waitingCount.incrementAndGet() > maxWaiting) {
      waitingCount.decrementAndGet();
      return false;
    }
    waiting.add(callback);
    if (version.get() != seenVersion) {
      wakeWaiting();
    }
    return true;
  }

  /** Publishes the nodes registered with the Receptionist. */
  public void update(List<ActorRef<NodeProtocol.Command>> nodes) {
    registered = List.copyOf(nodes);
    republish();
  }

  void markUnreachable(Address address) {
    unreachable.add(address);
    republish();
  }

  void markReachable(Address address) {
    unreachable.remove(address);
    republish();
  }

  private void republish() {
    // Addresses no longer registered cannot come back (a restarted node is a new incarnation): forget them.
    unreachable.removeIf(address -> registered.stream().noneMatch(ref -> ref.path().address().equals(address)));
    routable = registered.stream().filter(ref -> !unreachable.contains(ref.path().address())).toList();
    version.incrementAndGet();
    wakeWaiting();
  }

  private void wakeWaiting() {
    Runnable callback;
    while ((callback = waiting.poll()) != null) {
      waitingCount.decrementAndGet();
      callback.run();
    }
  }
}
