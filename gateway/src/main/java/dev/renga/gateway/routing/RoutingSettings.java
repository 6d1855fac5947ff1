package dev.renga.gateway.routing;

import com.typesafe.config.Config;

/**
 * How the gateway spreads requests over nodes (renga.gateway.routing.*) and shares the cluster between tenants
 * (renga.gateway.fairness.*), read once at start-up.
 *
 * @param loadFactor a node is passed over while its in-flight would exceed ceil(loadFactor x mean + 1)
 * @param assumedCapacity the capacity of a node that has not reported one yet
 * @param fairness whether a tenant above its fair share gets 429 tenant-overloaded while requests wait
 * @param minTenantShare the fair share is never below this many requests
 */
public record RoutingSettings(double loadFactor, int assumedCapacity, boolean fairness, int minTenantShare) {

  /** The defaults of reference.conf, for tests. */
  public static final RoutingSettings DEFAULTS = new RoutingSettings(1.25, 1000, true, 1);

  public static RoutingSettings from(Config config) {
    Config c = config.getConfig("renga.gateway");
    return new RoutingSettings(
        c.getDouble("routing.load-factor"),
        c.getInt("routing.assumed-capacity"),
        c.getBoolean("fairness.enabled"),
        c.getInt("fairness.min-share"));
  }
}
