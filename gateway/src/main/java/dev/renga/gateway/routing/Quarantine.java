package dev.renga.gateway.routing;

import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;

/**
 * Handler URLs that were running on nodes that died: a URL in flight on {@code afterNodeLosses} lost nodes within
 * {@code window} is refused (503 quarantined) for {@code duration}, so one handler cannot keep killing nodes.
 * Every request in flight on a lost node is a suspect; the threshold keeps bystanders out.
 */
public final class Quarantine {
  private final int afterNodeLosses;
  private final long windowNanos;
  private final long durationNanos;
  private final Map<String, Record> byUrl = new ConcurrentHashMap<>();

  private record Record(Set<Address> lostNodes, long firstLossAt, long quarantinedUntil) {}

  public Quarantine(int afterNodeLosses, Duration window, Duration duration) {
    this.afterNodeLosses = afterNodeLosses;
    this.windowNanos = window.toNanos();
    this.durationNanos = duration.toNanos();
  }

  /** The handler was running on {@code node} when that node was lost (counted once per node). */
  public void nodeLost(String handlerUrl, Address node) {
    long now = System.nanoTime();
    byUrl.compute(
        handlerUrl,
        (url, old) -> {
          Record fresh = old == null || now - old.firstLossAt() > windowNanos ? new Record(Set.of(), now, 0) : old;
          Set<Address> lost = new HashSet<>(fresh.lostNodes());
          lost.add(node);
          long until = fresh.quarantinedUntil();
          if (lost.size() >= afterNodeLosses && (until == 0 || now - until >= 0)) {
            until = now + durationNanos;
            Metrics.counter("renga.gateway.quarantines").increment();
          }
          return new Record(Set.copyOf(lost), fresh.firstLossAt(), until);
        });
    byUrl.values().removeIf(r -> now - r.firstLossAt() > windowNanos && now > r.quarantinedUntil());
  }

  /** How long the handler stays quarantined, or empty when it may run. */
  public Optional<Duration> remaining(String handlerUrl) {
    Record record = byUrl.get(handlerUrl);
    if (record == null) {
      return Optional.empty();
    }
    long left = record.quarantinedUntil() - System.nanoTime();
    return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
  }
}
