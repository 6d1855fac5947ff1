package dev.renga.gateway.warmup;

import com.typesafe.config.Config;
import java.time.Duration;

/** How a gateway warms up before it joins (renga.gateway.warm-up.*), read once at start-up. */
public record WarmUpSettings(Duration budget, long requests, int concurrency) {

  public static WarmUpSettings from(Config config) {
    Config c = config.getConfig("renga.gateway.warm-up");
    return new WarmUpSettings(c.getDuration("budget"), c.getLong("requests"), c.getInt("concurrency"));
  }

  /** Whether the workload runs at all. */
  public boolean enabled() {
    return !budget.isZero() && requests > 0;
  }
}
