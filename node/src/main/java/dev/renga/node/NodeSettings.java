package dev.renga.node;

import com.typesafe.config.Config;

/** The node's own settings (renga.node.*), read once at start-up. */
public record NodeSettings(int jsThreads, int warmUpContexts) {

  public static NodeSettings from(Config config) {
    Config c = config.getConfig("renga.node");
    return new NodeSettings(c.getInt("js-threads"), c.getInt("warm-up-contexts"));
  }
}
