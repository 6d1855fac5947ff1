package dev.renga.node.outbound;

import com.typesafe.config.Config;
import java.time.Duration;

/** Limits on handler code's outbound HTTP (renga.sandbox.outbound.*), read once at start-up. */
public record OutboundSettings(int maxRequests, long maxResponseSize, Duration timeout, int maxRedirects, Pool pool) {

  /** The node's keep-alive connections (renga.sandbox.outbound.pool.*). */
  public record Pool(int maxConnectionsPerTenant, int maxConnections, Duration idleTimeout, Duration maxLifetime) {

    public static Pool from(Config config) {
      Config c = config.getConfig("renga.sandbox.outbound.pool");
      return new Pool(
          c.getInt("max-connections-per-tenant"), c.getInt("max-connections"), c.getDuration("idle-timeout"),
          c.getDuration("max-lifetime"));
    }
  }

  public static OutboundSettings from(Config config) {
    Config c = config.getConfig("renga.sandbox.outbound");
    return new OutboundSettings(
        c.getInt("max-requests"), c.getBytes("max-response-size"), c.getDuration("timeout"), c.getInt("max-redirects"),
        Pool.from(config));
  }
}
