package dev.renga.node.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.RengaConfig;
import org.junit.jupiter.api.Test;

class SandboxSettingsTest {
  @Test
  void defaultsLoad() {
    var settings = SandboxSettings.from(RengaConfig.withDefaults(ConfigFactory.empty()));
    assertEquals(1024 * 1024, settings.maxResponseSize());
    assertEquals(64 * 1024, settings.consoleLogMaxBytes());
  }

  @Test
  void aResponseLimitThatCannotFitOneMessageToTheGatewayStopsTheNodeAtStart() {
    var config = RengaConfig.withDefaults(ConfigFactory.parseString("renga.sandbox.max-response-size = 4m"));
    var error = assertThrows(IllegalArgumentException.class, () -> SandboxSettings.from(config));
    assertTrue(error.getMessage().contains("maximum-frame-size"), error.getMessage());
    var raised =
        RengaConfig.withDefaults(
            ConfigFactory.parseString(
                "renga.sandbox.max-response-size = 4m\npekko.remote.artery.advanced.maximum-frame-size = 5MiB"));
    assertEquals(4 * 1024 * 1024, SandboxSettings.from(raised).maxResponseSize());
  }
}
