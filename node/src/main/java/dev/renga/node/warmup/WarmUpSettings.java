package dev.renga.node.warmup;

import com.typesafe.config.Config;
import java.time.Duration;

/** How a node warms up before it serves (renga.node.warm-up.*), read once at start-up. */
public record WarmUpSettings(
    Duration budget, Duration round, int concurrency, double maxCompileShare, int settledRounds, double standbyCpu) {

  public static WarmUpSettings from(Config config) {
    Config c = config.getConfig("renga.node.warm-up");
    return new WarmUpSettings(
        c.getDuration("budget"),
        c.getDuration("round"),
        c.getInt("concurrency"),
        c.getDouble("max-compile-share"),
        c.getInt("settled-rounds"),
        c.getDouble("standby-cpu"));
  }

  /** Whether the workload runs at all. */
  public boolean enabled() {
    return !budget.isZero() && !round.isZero() && standbyCpu > 0;
  }
}
