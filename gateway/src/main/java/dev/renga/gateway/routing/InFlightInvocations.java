package dev.renga.gateway.routing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The attempts waiting on each node (by attempt id), so that {@link Invocations} can be told at once when that node
 * is gone.
 */
public final class InFlightInvocations {
  /** How long a gone node is remembered, for invocations that picked it just before it went. */
  private static final long GONE_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final Map<Address, Set<Long>> byNode = new ConcurrentHashMap<>();
  private final Map<Address, Long> gone = new ConcurrentHashMap<>();
  /** Streamed responses whose last chunk has not gone to the client yet (their invocation may have ended). */
  private final AtomicInteger streaming = new AtomicInteger();
  private volatile Runnable onRelease = () -> {};
  private volatile ActorRef<Invocations.Command> invocations;

  /** Run whenever invocations stop waiting on a node (it has room again); set once, by the {@link NodeRouter}. */
  void onRelease(Runnable listener) {
    this.onRelease = listener;
  }

  /** Where node losses are reported; set once, by the {@link Invocations} actor that adds the attempts. */
  void reportTo(ActorRef<Invocations.Command> invocations) {
    this.invocations = invocations;
  }

  /**
   * Records that {@code attempt} is about to be sent to {@code node}; false, recording nothing, if the node is gone (a
   * router's listing can lag behind the cluster's events by a moment): send it elsewhere.
   */
  boolean add(Address node, long attempt) {
    byNode.computeIfAbsent(node, a -> ConcurrentHashMap.newKeySet()).add(attempt);
    // Checked after adding: a nodeGone running meanwhile either sees this attempt or is seen here.
    if (gone.containsKey(node)) {
      remove(node, attempt);
      return false;
    }
    return true;
  }

  void remove(Address node, long attempt) {
    Set<Long> set = byNode.get(node);
    if (set != null && set.remove(attempt)) {
      onRelease.run();
    }
  }

  /** Tells the invocations waiting on {@code node} that the node is gone. */
  void nodeGone(Address node) {
    long now = System.nanoTime();
    gone.put(node, now);
    gone.values().removeIf(at -> now - at > GONE_MEMORY_NANOS);
    Set<Long> set = byNode.remove(node);
    if (set != null) {
      tell(set, new Invocations.NodeGone(node));
      onRelease.run();
    }
  }

  /**
   * Tells the invocations waiting on {@code node} that the node does not answer the failure detector. It may be dead,
   * or only paused (a long GC, a starved machine), so invocations it accepted keep waiting until it comes back or is
   * removed; the others go elsewhere.
   */
  void nodeUnreachable(Address node) {
    Set<Long> set = byNode.get(node);
    if (set != null) {
      tell(set, new Invocations.NodeUnreachable(node));
    }
  }

  private void tell(Set<Long> attempts, Invocations.Command message) {
    ActorRef<Invocations.Command> to = invocations;
    if (to != null && !attempts.isEmpty()) {
      to.tell(message);
    }
  }

  /** The node is reachable again, or a new JVM joined at its address: invocations may wait on it once more. */
  void nodeBack(Address node) {
    gone.remove(node);
  }

  /** Whether no invocation waits on any node and every streamed response has been written to its client. */
  public boolean isEmpty() {
    return streaming.get() == 0 && byNode.values().stream().allMatch(Set::isEmpty);
  }

  /** Counts a streamed response until the returned action runs; run it once, when the stream has ended. */
  Runnable streamOpened() {
    streaming.incrementAndGet();
    return streaming::decrementAndGet;
  }

  /** How many invocations wait on {@code node}. */
  public int count(Address node) {
    Set<Long> set = byNode.get(node);
    return set == null ? 0 : set.size();
  }
}
