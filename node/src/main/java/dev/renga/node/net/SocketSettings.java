package dev.renga.node.net;

import com.typesafe.config.Config;
import java.time.Duration;

/** Limits on handler code's TCP and TLS sockets (renga.sandbox.sockets.*), read once at start-up. */
public record SocketSettings(int maxOpen, int maxConnects, long maxBytesIn, long maxBytesOut, Duration connectTimeout) {

  /** The defaults of reference.conf, for tests. */
  public static final SocketSettings DEFAULTS = new SocketSettings(16, 64, 64L << 20, 64L << 20, Duration.ofSeconds(5));

  public static SocketSettings from(Config config) {
    Config c = config.getConfig("renga.sandbox.sockets");
    return new SocketSettings(
        c.getInt("max-open"), c.getInt("max-connects"), c.getBytes("max-bytes-in"), c.getBytes("max-bytes-out"),
        c.getDuration("connect-timeout"));
  }
}
