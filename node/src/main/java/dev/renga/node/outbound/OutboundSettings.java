package dev.renga.node.outbound;

import com.typesafe.config.Config;
import java.time.Duration;

/** Limits on handler code's outbound HTTP (renga.sandbox.outbound.*), read once at start-up. */
public record OutboundSettings(int maxRequests, long maxResponseSize, Duration timeout, int maxRedirects) {

  public static OutboundSettings from(Config config) {
    Config c = config.getConfig("renga.sandbox.outbound");
    return new OutboundSettings(
        c.getInt("max-requests"), c.getBytes("max-response-size"), c.getDuration("timeout"), c.getInt("max-redirects"));
  }
}
