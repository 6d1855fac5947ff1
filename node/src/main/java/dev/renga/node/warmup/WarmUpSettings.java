package dev.renga.node.warmup;

import com.typesafe.config.Config;
import java.time.Duration;

/** How a standby node warms up before it is promoted (renga.node.warm-up.*), read once at start-up. */
public record WarmUpSettings(Duration budget, int roundRequests, int concurrency, double minGain, int roundsWithoutGain) {

  public static WarmUpSettings from(Config config) {
    Config c = config.getConfig("renga.node.warm-up");
    return new WarmUpSettings(
        c.getDuration("budget"),
        c.getInt("round-requests"),
        c.getInt("concurrency"),
        c.getDouble("min-gain"),
        c.getInt("rounds-without-gain"));
  }

  /** Whether the standby workload runs at all. */
  public boolean enabled() {
    return !budget.isZero() && roundRequests > 0;
  }
}
