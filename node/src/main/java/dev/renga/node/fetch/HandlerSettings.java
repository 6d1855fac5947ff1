package dev.renga.node.fetch;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/** How handler sources are fetched and cached (renga.handlers.*), read once at start-up. */
public record HandlerSettings(
    long maxSize,
    int maxRedirects,
    Duration fetchTimeout,
    boolean allowPrivateNetwork,
    HandlerAllowList allow,
    long cacheMaxBytes,
    Duration cacheDefaultMaxAge,
    int maxModules,
    String packages) {

  /**
   * Every URL allowed, a 64 MiB cache, 5 s of freshness for responses that say nothing about caching, and up to 50
   * relative modules per handler, and no package directory.
   */
  public HandlerSettings(long maxSize, int maxRedirects, Duration fetchTimeout, boolean allowPrivateNetwork) {
    this(maxSize, maxRedirects, fetchTimeout, allowPrivateNetwork, HandlerAllowList.all(), 64L << 20, Duration.ofSeconds(5), 50, "");
  }

  public static HandlerSettings from(Config config) {
    Config c = config.getConfig("renga.handlers");
    List<String> allow = c.getStringList("allow");
    return new HandlerSettings(
        c.getBytes("max-size"),
        c.getInt("max-redirects"),
        c.getDuration("fetch-timeout"),
        config.getBoolean("renga.sandbox.network.allow-private"),
        HandlerAllowList.of(allow),
        c.getBytes("cache.max-bytes"),
        c.getDuration("cache.default-max-age"),
        c.getInt("max-modules"),
        c.getString("packages"));
  }

  /** The same settings with another allow list. */
  public HandlerSettings withAllow(List<String> patterns) {
    return new HandlerSettings(
        maxSize, maxRedirects, fetchTimeout, allowPrivateNetwork, HandlerAllowList.of(patterns), cacheMaxBytes, cacheDefaultMaxAge, maxModules,
        packages);
  }

  /** The same settings with another cache size and default freshness. */
  public HandlerSettings withCache(long maxBytes, Duration defaultMaxAge) {
    return new HandlerSettings(maxSize, maxRedirects, fetchTimeout, allowPrivateNetwork, allow, maxBytes, defaultMaxAge, maxModules, packages);
  }

  /** The same settings with another package directory ("" for none). */
  public HandlerSettings withPackages(String directory) {
    return new HandlerSettings(
        maxSize, maxRedirects, fetchTimeout, allowPrivateNetwork, allow, cacheMaxBytes, cacheDefaultMaxAge, maxModules, directory);
  }
}
