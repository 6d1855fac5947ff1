package dev.renga.gateway.routing;

import com.typesafe.config.Config;
import dev.renga.core.tenants.TenantTable;
import dev.renga.core.tenants.Tenants;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's invocations at this gateway (in flight and waiting), and whether a tenant may start another. While
 * requests wait for a node, a tenant is held to its fair share of the cluster's capacity: max(min-share, capacity /
 * active tenants). Gateways share nothing: each holds its own tenants to a share of the whole cluster. A tenant is the
 * renga.tenants entry its handler URL matches (the node sees the same one), or, for the default entry, the URL's
 * origin.
 */
public final class TenantShares {
  /** What the gateway keeps of a renga.tenants entry: its min-share, or -1 to use renga.gateway.fairness.min-share. */
  public record Share(int minShare) {
    public static final Share INHERIT = new Share(-1);

    /** The gateway's part of a tenant entry. */
    public static Share of(String name, Config entry) {
      if (!entry.hasPath("min-share")) {
        return INHERIT;
      }
      int minShare = entry.getInt("min-share");
      if (minShare < 1) {
        throw new IllegalArgumentException("tenant " + name + ": min-share must be at least 1");
      }
      return new Share(minShare);
    }
  }

  private final Map<String, Integer> live = new ConcurrentHashMap<>();
  private final NodeRouter router;
  private final RoutingSettings settings;
  private final Tenants<Share> tenants;

  /** Shares with no renga.tenants entries: every origin is a tenant. */
  public TenantShares(NodeRouter router, RoutingSettings settings) {
    this(router, settings, new Tenants<>(TenantTable.only(Share.INHERIT)));
  }

  public TenantShares(NodeRouter router, RoutingSettings settings, Tenants<Share> tenants) {
    this.router = router;
    this.settings = settings;
    this.tenants = tenants;
  }

  /** A handler URL's tenant: its key (the entry's name, or the origin) and its share settings. */
  TenantTable.Match<Share> tenantOf(String handlerUrl) {
    return tenants.match(handlerUrl);
  }

  /**
   * The tenant's fair share when one more of its invocations would go above it while others wait; empty when it may
   * start.
   */
  Optional<Long> overShare(TenantTable.Match<Share> tenant) {
    if (!settings.fairness() || router.waiting() == 0) {
      return Optional.empty();
    }
    long capacity = router.capacity();
    if (capacity == 0) {
      // No node at all: requests wait for one and then get 503 no-capacity, whoever sent them.
      return Optional.empty();
    }
    int holds = holds(tenant.key());
    int active = live.size() + (holds == 0 ? 1 : 0);
    int minShare = tenant.settings().minShare() > 0 ? tenant.settings().minShare() : settings.minTenantShare();
    long share = Math.max(minShare, capacity / active);
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
