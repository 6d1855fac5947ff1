package dev.renga.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

  @Test
  void bindAddressFollowsRengaBindVariablesAndDefaultsToTheCanonicalOne() {
    // Unset, Renga leaves Pekko's default (empty: bind the canonical address).
    var unset = ConfigFactory.parseResources("renga-pekko.conf").resolve();
    assertFalse(unset.hasPath("pekko.remote.artery.bind.hostname"));
    assertFalse(unset.hasPath("pekko.remote.artery.bind.port"));
    // ${?RENGA_BIND_HOSTNAME} finds a config value of that name before the environment variable.
    var behindNat =
        RengaConfig.withDefaults(
            ConfigFactory.parseString(
                "RENGA_HOSTNAME = \"203.0.113.7\"\nRENGA_PORT = 25600\nRENGA_BIND_HOSTNAME = \"0.0.0.0\"\nRENGA_BIND_PORT = 25520"));
    assertEquals("203.0.113.7", behindNat.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25600, behindNat.getInt("pekko.remote.artery.canonical.port"));
    assertEquals("0.0.0.0", behindNat.getString("pekko.remote.artery.bind.hostname"));
    assertEquals(25520, behindNat.getInt("pekko.remote.artery.bind.port"));
  }
}
