package dev.renga.gateway.routing;

import dev.renga.core.NodeProtocol;
import dev.renga.core.NodeReport;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Picks the node for a request: rendezvous hashing on the handler URL, so each handler's code stays cached on few
 * nodes, with bounded load, so one busy handler cannot pile onto one node, and never beyond a node's capacity.
 *
 * <p>Only nodes that are registered, reachable and report "up" (or have not reported yet) are candidates. Lock-free on
 * the request path: the {@link NodeDirectory} actor publishes an immutable snapshot of the candidates, requests read
 * it and the in-flight counts of {@link InFlightInvocations}.
 */
public final class NodeRouter {
  /** A routable node as the request path sees it. */
  private record Candidate(ActorRef<NodeProtocol.Command> ref, Address address, long key, int capacity, int reportedInFlight) {}

  private volatile List<Candidate> routable = List.of();

  // Written by the NodeDirectory only (the methods that change them are synchronized, for tests that call them too).
  private List<ActorRef<NodeProtocol.Command>> registered = List.of();
  private final Set<Address> unreachable = new HashSet<>();
  private final Map<Address, NodeReport> reports = new ConcurrentHashMap<>();

  private final Queue<Waiter> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final int maxWaiting;
  private final AtomicLong version = new AtomicLong();
  private final InFlightInvocations inFlight;
  private final RoutingSettings settings;

  /**
   * @param maxWaiting how many requests may wait for a node at once (renga.gateway.queue.max)
   * @param inFlight this gateway's invocations on each node; the router wakes a waiting request when one ends
   */
  public NodeRouter(int maxWaiting, InFlightInvocations inFlight, RoutingSettings settings) {
    this.maxWaiting = maxWaiting;
    this.inFlight = inFlight;
    this.settings = settings;
    inFlight.onRelease(this::released);
    Metrics.gauge("renga.gateway.queue.length", waitingCount);
    Metrics.gauge("renga.gateway.nodes.routable", this, router -> router.routable.size());
  }

  /**
   * The node for this handler, not in {@code excluded}: the highest-ranked for the URL among those whose in-flight
   * would stay within ceil(load-factor x mean + 1), else the highest-ranked with room; empty when every node is at
   * its capacity (or there is none).
   */
  public Optional<ActorRef<NodeProtocol.Command>> pick(String handlerUrl, Set<ActorRef<NodeProtocol.Command>> excluded) {
    List<Candidate> nodes = routable;
    int size = nodes.size();
    if (size == 0) {
      return Optional.empty();
    }
    int[] loads = new int[size];
    long total = 0;
    for (int i = 0; i < size; i++) {
      loads[i] = load(nodes.get(i));
      total += loads[i];
    }
    long bound = bound(total, size);
    long url = Rendezvous.key(handlerUrl);
    Candidate within = null;
    long withinWeight = 0;
    Candidate overBound = null;
    long overBoundWeight = 0;
    for (int i = 0; i < size; i++) {
      Candidate node = nodes.get(i);
      if (loads[i] >= node.capacity() || excluded.contains(node.ref())) {
        continue;
      }
      long weight = Rendezvous.weight(url, node.key());
      if (loads[i] + 1 <= bound) {
        if (within == null || Long.compareUnsigned(weight, withinWeight) > 0) {
          within = node;
          withinWeight = weight;
        }
      } else if (overBound == null || Long.compareUnsigned(weight, overBoundWeight) > 0) {
        overBound = node;
        overBoundWeight = weight;
      }
    }
    Candidate picked = within != null ? within : overBound;
    return picked == null ? Optional.empty() : Optional.of(picked.ref());
  }

  /** The routable nodes for this handler URL, best first, load aside: what every gateway agrees on. */
  public List<Address> ranking(String handlerUrl) {
    long url = Rendezvous.key(handlerUrl);
    return routable.stream()
        .sorted(Comparator.comparing((Candidate node) -> Rendezvous.weight(url, node.key()), Long::compareUnsigned).reversed())
        .map(Candidate::address)
        .toList();
  }

  /** The most a node may hold before it is passed over: ceil(load-factor x mean in-flight + 1). */
  long bound(long totalInFlight, int nodes) {
    return (long) Math.ceil(settings.loadFactor() * totalInFlight / nodes + 1);
  }

  /**
   * A node's in-flight: this gateway's own count, or the node's last report when that is higher (it includes other
   * gateways' requests). Not their sum: the report already counts this gateway's requests.
   */
  private int load(Candidate node) {
    return Math.max(inFlight.count(node.address()), node.reportedInFlight());
  }

  /** The nodes requests are routed to now. */
  public List<ActorRef<NodeProtocol.Command>> nodes() {
    return routable.stream().map(Candidate::ref).toList();
  }

  /** The capacity of the nodes requests are routed to now, together. */
  public long capacity() {
    long total = 0;
    for (Candidate node : routable) {
      total += node.capacity();
    }
    return total;
  }

  /** The capacity a node reported, or the assumed one before its first report. */
  public int capacityOf(Address node) {
    NodeReport report = reports.get(node);
    return report != null && report.capacity() > 0 ? report.capacity() : settings.assumedCapacity();
  }

  /** How many requests wait for a node now. */
  public int waiting() {
    return waitingCount.get();
  }

  /** Changes each time the routable nodes or their load change; read it before {@link #pick} to wait for a change. */
  public long version() {
    return version.get();
  }

  /**
   * Runs {@code callback} once, when the routable nodes or their load have changed since {@code seenVersion} (at once
   * if they already have); false, and no callback, when the queue of waiting requests is full.
   */
  public Optional<Runnable> onChange(long seenVersion, Runnable callback) {
    if (waitingCount.incrementAndGet() > maxWaiting) {
      waitingCount.decrementAndGet();
      return Optional.empty();
    }
    if (version.get() != seenVersion) {
      waitingCount.decrementAndGet();
      callback.run();
      return Optional.of(() -> {});
    }
    Waiter waiter = new Waiter(callback);
    waiting.add(waiter);
    // A change between the check above and the add must not be missed.
    if (version.get() != seenVersion) {
      wake(Integer.MAX_VALUE);
    }
    return Optional.of(waiter::withdraw);
  }

  /** A place in the queue of waiting requests; it ends once, when woken or withdrawn (the request stopped waiting). */
  private final class Waiter {
    private final Runnable callback;
    private final AtomicBoolean ended = new AtomicBoolean();

    Waiter(Runnable callback) {
      this.callback = callback;
    }

    boolean end() {
      if (ended.compareAndSet(false, true)) {
        waitingCount.decrementAndGet();
        return true;
      }
      return false;
    }

    void withdraw() {
      if (end()) {
        waiting.remove(this); // the slow path (a request gave up waiting): a walk of the queue is fine
      }
    }
  }

  /** Publishes the nodes registered with the Receptionist. */
  public synchronized void update(List<ActorRef<NodeProtocol.Command>> nodes) {
    registered = List.copyOf(nodes);
    republish();
  }

  /** A node's latest report: its state, capacity and in-flight count. */
  public synchronized void reported(Address node, NodeReport report) {
    NodeReport previous = reports.put(node, report);
    boolean relevant = registered.stream().anyMatch(ref -> ref.path().address().equals(node));
    if (relevant && (previous == null || !previous.equals(report))) {
      republish();
    }
  }

  synchronized void markUnreachable(Address address) {
    unreachable.add(address);
    republish();
  }

  synchronized void markReachable(Address address) {
    unreachable.remove(address);
    republish();
  }

  /** The node was removed from the cluster: its last report no longer says anything. */
  synchronized void forget(Address address) {
    reports.remove(address);
    republish();
  }

  private void republish() {
    // Addresses no longer registered cannot come back (a restarted node is a new incarnation): forget them.
    unreachable.removeIf(address -> registered.stream().noneMatch(ref -> ref.path().address().equals(address)));
    List<Candidate> candidates = new ArrayList<>();
    for (ActorRef<NodeProtocol.Command> ref : registered) {
      Address address = ref.path().address();
      NodeReport report = reports.get(address);
      if (unreachable.contains(address) || (report != null && !"up".equals(report.state()))) {
        continue;
      }
      candidates.add(
          new Candidate(ref, address, Rendezvous.key(address.toString()), capacityOf(address), report == null ? 0 : report.inFlight()));
    }
    routable = List.copyOf(candidates);
    version.incrementAndGet();
    wake(Integer.MAX_VALUE);
  }

  /** One of this gateway's invocations ended: a node has room for one more, so one waiting request may try. */
  private void released() {
    version.incrementAndGet();
    wake(1);
  }

  private void wake(int atMost) {
    Waiter waiter;
    for (int woken = 0; woken < atMost && (waiter = waiting.poll()) != null; ) {
      if (waiter.end()) {
        waiter.callback.run();
        woken++;
      }
    }
  }
}
