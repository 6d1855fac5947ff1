package dev.renga.node.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.renga.core.RengaConfig;
import dev.renga.node.sandbox.JsEngine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The standby's warm-up workload: every request of every shape answers 200, and promotion ends it at once. */
class WarmUpTest {
  private static final JsEngine engine = new JsEngine();
  private static final Config config = RengaConfig.withDefaults(ConfigFactory.empty()).resolve();

  @AfterAll
  static void close() {
    engine.close();
  }

  @Test
  void everyWarmUpRequestIsAnsweredOkUntilTheCompilersSettleOrTheBudgetEnds() {
    var settings = new WarmUpSettings(Duration.ofSeconds(20), Duration.ofSeconds(2), 2, 0.05, 2, 0.25);
    WarmUp.Result result = WarmUp.run(engine, config, settings, () -> false, () -> false);
    assertTrue(result.requests() >= 20, "only " + result.requests() + " warm-up requests ran");
    assertEquals(0, result.failed(), "warm-up requests not answered 200");
    assertTrue(result.ended().equals("levelled") || result.ended().equals("budget"), result.ended());
    assertTrue(result.requestCpu().toNanos() > 0, "no cost measured");
  }

  @Test
  void promotionEndsTheWarmUpWithinARequest() {
    var settings = new WarmUpSettings(Duration.ofMinutes(5), Duration.ofSeconds(10), 1, 0.05, 4, 0.25);
    AtomicInteger checks = new AtomicInteger();
    // Promoted after a few requests: the warm-up ends there, not at the end of its round or budget.
    WarmUp.Result result = WarmUp.run(engine, config, settings, () -> checks.incrementAndGet() > 5, () -> true);
    assertEquals("promoted", result.ended());
    assertTrue(result.requests() < 10, result.requests() + " requests ran after the promotion");
    assertEquals(0, result.failed());
  }
}
