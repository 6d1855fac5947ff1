package dev.renga.gateway.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.renga.core.RengaConfig;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway's warm-up: every request of every shape gets the answer it must, and nothing of it stays behind. */
@ExtendWith(LogCapturingExtension.class)
class GatewayWarmUpTest {
  private static final Config config = RengaConfig.withDefaults(ConfigFactory.empty()).resolve();

  @Test
  void everyRequestIsAnsweredAsExpectedAndNoMeterCountsThem() {
    GatewayWarmUp.Result result = GatewayWarmUp.run(config, new WarmUpSettings(Duration.ofSeconds(40), 600, 8));
    assertEquals(600, result.requests());
    assertEquals(0, result.failed(), "warm-up requests not answered as expected");
    // Its requests are not the gateway's: the gateway's meters (requests, in flight, queue) start from zero.
    assertTrue(Metrics.globalRegistry.find("renga.gateway.requests").meters().isEmpty());
    assertTrue(Metrics.globalRegistry.find("renga.gateway.in.flight").meters().isEmpty());
  }

  @Test
  void theBudgetEndsIt() {
    GatewayWarmUp.Result result =
        GatewayWarmUp.run(config, new WarmUpSettings(Duration.ofMillis(1), Long.MAX_VALUE, 4));
    assertTrue(result.requests() < 1000, result.requests() + " requests after a 1 ms budget");
    assertEquals(0, result.failed());
  }

  @Test
  void aZeroBudgetRunsNothing() {
    assertEquals(0, GatewayWarmUp.run(config, new WarmUpSettings(Duration.ZERO, 100, 4)).requests());
  }
}
