package dev.renga.node;

import com.typesafe.config.Config;
import java.time.Duration;

/** The node's own settings (renga.node.*), read once at start-up. */
public record NodeSettings(
    int jsThreads,
    int maxConcurrent,
    int warmUpContexts,
    int contextPool,
    long maxRequests,
    double maxRequestsJitter,
    double maxRequestsCeiling,
    Duration handover,
    Duration drainTimeout,
    Duration heartbeatInterval,
    Duration unhealthyAfter,
    Duration watchdogInterval,
    double heapGuard,
    Duration reportInterval,
    String adminHost,
    int adminPort) {

  public static NodeSettings from(Config config) {
    Config c = config.getConfig("renga.node");
    return new NodeSettings(
        c.getInt("js-threads"),
        c.getInt("max-concurrent"),
        c.getInt("warm-up-contexts"),
        c.getInt("context-pool"),
        c.getLong("max-requests"),
        c.getDouble("max-requests-jitter"),
        c.getDouble("max-requests-ceiling"),
        c.getDuration("handover"),
        c.getDuration("drain-timeout"),
        c.getDuration("heartbeat.interval"),
        c.getDuration("heartbeat.unhealthy-after"),
        c.getDuration("watchdog-interval"),
        c.getDouble("heap-guard"),
        c.getDuration("report-interval"),
        c.getString("admin.host"),
        c.getInt("admin.port"));
  }

  /** This JVM's request quota: max-requests moved by up to +/- the jitter, drawn once; 0 means none. */
  public long drawQuota(java.util.random.RandomGenerator random) {
    if (maxRequests <= 0) {
      return 0;
    }
    double factor = 1 + maxRequestsJitter * (2 * random.nextDouble() - 1);
    return Math.max(1, Math.round(maxRequests * factor));
  }
}
