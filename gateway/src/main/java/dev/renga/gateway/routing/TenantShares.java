package dev.renga.gateway.routing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's invocations at this gateway (in flight and waiting), and whether a tenant may start another. While
 * requests wait for a node, a tenant is held to its fair share of the cluster's capacity: max(min-share, capacity /
 * active tenants). Gateways share nothing: each holds its own tenants to a share of the whole cluster.
 */
public final class TenantShares {
  private final Map<String, Integer> live = new ConcurrentHashMap<>();
  private final NodeRouter router;
  private final RoutingSettings settings;

  public TenantShares(NodeRouter router, RoutingSettings settings) {
    this.router = router;
    this.settings = settings;
  }

  /**
   * The tenant's fair share when one more of its invocations would go above it while others wait; empty when it may
   * start.
   */
  Optional<Long> overShare(String tenant) {
    if (!settings.fairness() || router.waiting() == 0) {
      return Optional.empty();
    }
    long capacity = router.capacity();
    if (capacity == 0) {
      // No node at all: requests wait for one and then get 503 no-capacity, whoever sent them.
      return Optional.empty();
    }
    int holds = holds(tenant);
    int active = live.size() + (holds == 0 ? 1 : 0);
    long share = Math.max(settings.minTenantShare(), capacity / active);
    return holds >= share ? Optional.of(share) : Optional.empty();
  }

  /** Invocations of this tenant in flight or waiting at this gateway. */
  public int holds(String tenant) {
    return live.getOrDefault(tenant, 0);
  }

  void started(String tenant) {
    live.merge(tenant, 1, Integer::sum);
  }

  void ended(String tenant) {
    live.computeIfPresent(tenant, (key, count) -> count == 1 ? null : count - 1);
  }
}
