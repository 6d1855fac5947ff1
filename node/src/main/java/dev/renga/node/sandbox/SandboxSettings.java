package dev.renga.node.sandbox;

import com.typesafe.config.Config;
import java.time.Duration;

/** Limits for one handler invocation (renga.sandbox.*), read once at start-up. */
public record SandboxSettings(
    Duration requestTimeout,
    Duration cpuLimit,
    long memoryLimit,
    long maxResponseSize,
    boolean allowPrivateNetwork,
    boolean testCapabilities,
    int consoleMaxBytes,
    long consoleLogMaxBytes,
    Isolation.Settings isolation) {

  /** Settings with the default console bounds (renga.sandbox.console.max-bytes = 4096, log-max-bytes = 64k). */
  public SandboxSettings(
      Duration requestTimeout,
      Duration cpuLimit,
      long memoryLimit,
      long maxResponseSize,
      boolean allowPrivateNetwork,
      boolean testCapabilities) {
    this(
        requestTimeout, cpuLimit, memoryLimit, maxResponseSize, allowPrivateNetwork, testCapabilities, 4096, 64 * 1024,
        Isolation.Settings.CONTEXT);
  }

  public static SandboxSettings from(Config config) {
    Config c = config.getConfig("renga.sandbox");
    // A whole response travels to the gateway in one Artery message; one too large for a frame would be dropped.
    long frame = config.getBytes("pekko.remote.artery.advanced.maximum-frame-size");
    long maxResponseSize = c.getBytes("max-response-size");
    if (maxResponseSize > frame - 256 * 1024) {
      throw new IllegalArgumentException(
          "renga.sandbox.max-response-size (" + maxResponseSize + " bytes) must leave 256 KiB of "
              + "pekko.remote.artery.advanced.maximum-frame-size (" + frame + " bytes) for the response head: raise both");
    }
    return new SandboxSettings(
        c.getDuration("request-timeout"),
        c.getDuration("cpu-limit"),
        c.getBytes("memory-limit"),
        maxResponseSize,
        c.getBoolean("network.allow-private"),
        c.getBoolean("test-capabilities"),
        Math.toIntExact(c.getBytes("console.max-bytes")),
        c.getBytes("console.log-max-bytes"),
        Isolation.Settings.from(c));
  }
}
