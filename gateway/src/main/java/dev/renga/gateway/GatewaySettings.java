package dev.renga.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/** The gateway's settings (renga.gateway.*), read once at start-up. */
public record GatewaySettings(
    String httpHost,
    int httpPort,
    String adminHost,
    int adminPort,
    long maxBody,
    Duration nodeTimeout,
    Duration queueTimeout,
    int queueMax,
    int quarantineAfterNodeLosses,
    Duration quarantineWindow,
    Duration quarantineDuration,
    Duration retryAfter) {

  public static GatewaySettings from(Config config) {
    Config c = config.getConfig("renga.gateway");
    return new GatewaySettings(
        c.getString("http.host"),
        c.getInt("http.port"),
        c.getString("admin.host"),
        c.getInt("admin.port"),
        c.getBytes("max-body"),
        c.getDuration("node-timeout"),
        c.getDuration("queue.timeout"),
        c.getInt("queue.max"),
        c.getInt("quarantine.after-node-losses"),
        c.getDuration("quarantine.window"),
        c.getDuration("quarantine.duration"),
        c.getDuration("retry-after"));
  }
}
