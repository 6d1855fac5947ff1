package dev.renga.node.fetch;

import com.typesafe.config.Config;
import java.time.Duration;

/** How handler sources are fetched (renga.handlers.*), read once at start-up. */
public record HandlerSettings(long maxSize, int maxRedirects, Duration fetchTimeout, boolean allowPrivateNetwork) {

  public static HandlerSettings from(Config config) {
    Config c = config.getConfig("renga.handlers");
    return new HandlerSettings(
        c.getBytes("max-size"),
        c.getInt("max-redirects"),
        c.getDuration("fetch-timeout"),
        config.getBoolean("renga.sandbox.network.allow-private"));
  }
}
