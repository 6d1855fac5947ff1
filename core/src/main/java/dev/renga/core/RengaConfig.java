package dev.renga.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;

/** Loads a JVM's configuration: application config, -D overrides, RENGA_* variables, and the cluster role. */
public final class RengaConfig {
  private RengaConfig() {}

  /** Every module's settings for Pekko; see core's renga-pekko.conf. */
  private static final String PEKKO_DEFAULTS = "renga-pekko.conf";

  /**
   * The full config for a JVM with the given cluster role ("gateway" or "node"): -D overrides, then
   * application config (-Dconfig.file), then Renga's settings for Pekko, then every reference.conf.
   */
  public static Config load(String role) {
    // A gateway or node process ends when its actor system does (tests run systems that must not exit the JVM).
    return forRole(withDefaults(ConfigFactory.defaultApplication()), role)
        .withValue("pekko.coordinated-shutdown.exit-jvm", ConfigValueFactory.fromAnyRef(true));
  }

  /** Layers Renga's Pekko settings and the reference configs under the given config, with -D overrides on top. */
  public static Config withDefaults(Config config) {
    ClassLoader loader = RengaConfig.class.getClassLoader();
    return ConfigFactory.defaultOverrides(loader)
        .withFallback(config)
        .withFallback(ConfigFactory.parseResources(loader, PEKKO_DEFAULTS))
        .withFallback(ConfigFactory.defaultReference(loader))
        .resolve();
  }

  /** Applies the role and turns renga.seed-nodes (host:port, ...) into Pekko seed-node addresses. */
  public static Config forRole(Config base, String role) {
    Config config = base.withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)));
    String seeds = config.getString("renga.seed-nodes").trim();
    if (seeds.isEmpty()) {
      return config;
    }
    String system = systemName(config);
    List<String> addresses =
        Arrays.stream(seeds.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(hostPort -> "pekko://" + system + "@" + hostPort)
            .toList();
    return config.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(addresses));
  }

  /** The actor system name shared by every member of one cluster. */
  public static String systemName(Config config) {
    return config.getString("renga.cluster-name");
  }
}
