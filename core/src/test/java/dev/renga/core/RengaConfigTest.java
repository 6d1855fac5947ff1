package dev.renga.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class RengaConfigTest {

  @Test
  void seedNodesFromHostPortPairsBecomePekkoAddresses() {
    var config =
        RengaConfig.forRole(
            RengaConfig.withDefaults(ConfigFactory.parseString("renga.seed-nodes = \"10.0.0.1:25520, 10.0.0.2:25521\"")),
            "node");
    assertEquals(
        List.of("pekko://renga@10.0.0.1:25520", "pekko://renga@10.0.0.2:25521"),
        config.getStringList("pekko.cluster.seed-nodes"));
    assertEquals(List.of("node"), config.getStringList("pekko.cluster.roles"));
  }

  @Test
  void rengaSettingsForPekkoOverridePekkosOwnDefaults() {
    var config = RengaConfig.withDefaults(ConfigFactory.empty());
    assertEquals("cluster", config.getString("pekko.actor.provider"));
    assertEquals("off", config.getString("pekko.actor.allow-java-serialization"));
    assertEquals("jackson-cbor", config.getString("pekko.actor.serialization-bindings.\"dev.renga.core.CborSerializable\""));
  }
}
