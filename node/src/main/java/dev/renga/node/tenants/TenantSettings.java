package dev.renga.node.tenants;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import dev.renga.node.fetch.Destination;
import dev.renga.node.fetch.NetworkPolicy;
import dev.renga.node.sandbox.Isolation;
import dev.renga.node.sandbox.SandboxSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What a node applies to the requests of one tenant (a renga.tenants entry), made once when the tenants load: the
 * {@code process.env} its handlers see (its {@code env} and its secrets), the sandbox limits (renga.sandbox.* with the
 * entry's {@code sandbox} over them), the network policy (the node's, widened or narrowed by the entry's
 * {@code sandbox.network}), and the mask that keeps its secret values out of logs, console capture and error bodies.
 * A request looks its tenant up once, when it starts, and keeps these settings to its end.
 */
public final class TenantSettings {
  /** Keys a tenant entry may have. */
  private static final Set<String> KEYS = Set.of("match", "env", "secrets", "sandbox", "min-share");

  /** renga.sandbox.* keys a tenant may override. */
  private static final Set<String> SANDBOX_KEYS =
      Set.of(
          "request-timeout", "cpu-limit", "memory-limit", "max-response-size", "console.max-bytes",
          "outbound.max-requests", "isolation", "network.allow-private", "network.allow", "network.only-allowed");

  private final String name;
  private final Map<String, String> env;
  private final Secrets secrets;
  private final SandboxSettings sandbox;
  private final int outboundMaxRequests;
  private final NetworkPolicy network;
  /** Its own isolation level, or null to run where the node's level runs. */
  private final Isolation.Level isolation;
  private final SecretMask mask;
  private final Object[] processEnv;

  public TenantSettings(
      String name, Map<String, String> env, Secrets secrets, SandboxSettings sandbox, int outboundMaxRequests,
      NetworkPolicy network, Optional<Isolation.Level> isolation) {
    this.isolation = isolation.orElse(null);
    this.name = name;
    this.env = Map.copyOf(env);
    this.secrets = secrets;
    this.sandbox = sandbox;
    this.outboundMaxRequests = outboundMaxRequests;
    this.network = network;
    this.mask = SecretMask.of(secrets.values().values());
    Map<String, String> merged = new LinkedHashMap<>(new java.util.TreeMap<>(env));
    merged.putAll(secrets.values()); // a secret wins over an env entry of the same name
    List<Object> flat = new ArrayList<>(merged.size() * 2);
    merged.forEach((key, value) -> {
      flat.add(key);
      flat.add(value);
    });
    this.processEnv = flat.toArray();
  }

  /** The settings of requests outside any tenant entry when no renga.tenants is configured: the node's own. */
  public static TenantSettings defaults(SandboxSettings sandbox) {
    return new TenantSettings(
        "default", Map.of(), Secrets.NONE, sandbox, -1, new NetworkPolicy(sandbox.allowPrivateNetwork()), Optional.empty());
  }

  /**
   * A node's settings of one renga.tenants entry, over the node's config ({@code node}: renga.sandbox.* and the
   * Pekko frame size the response limit is checked against). Reads the entry's secret files and the node's
   * environment ({@code environment}) now. Throws IllegalArgumentException or a ConfigException naming the key.
   */
  public static TenantSettings parse(String name, Config entry, Config node, UnaryOperator<String> environment) {
    for (String key : entry.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(key + " is not a tenant setting (" + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    Config overrides = entry.hasPath("sandbox") ? entry.getConfig("sandbox") : ConfigFactory.empty();
    for (Map.Entry<String, ConfigValue> setting : overrides.entrySet()) {
      if (!SANDBOX_KEYS.contains(setting.getKey())) {
        throw new IllegalArgumentException(
            "sandbox." + setting.getKey() + " cannot be set per tenant (" + String.join(", ", SANDBOX_KEYS.stream().sorted().toList()) + ")");
      }
    }
    Config merged = overrides.atPath("renga.sandbox").withFallback(node);
    SandboxSettings sandbox = SandboxSettings.from(merged);
    List<Destination> allowed = new ArrayList<>(destinations(node.getStringList("renga.sandbox.network.allow")));
    boolean onlyAllowed = false;
    if (overrides.hasPath("network.allow")) {
      allowed.addAll(destinations(overrides.getStringList("network.allow")));
    }
    if (overrides.hasPath("network.only-allowed")) {
      onlyAllowed = overrides.getBoolean("network.only-allowed");
    }
    Map<String, String> env = entry.hasPath("env") ? Secrets.strings(entry, "env") : Map.of();
    Secrets secrets = entry.hasPath("secrets") ? Secrets.read(entry.getConfig("secrets"), environment) : Secrets.NONE;
    return new TenantSettings(
        name, env, secrets, sandbox, merged.getInt("renga.sandbox.outbound.max-requests"),
        new NetworkPolicy(sandbox.allowPrivateNetwork(), allowed, onlyAllowed),
        overrides.hasPath("isolation") ? Optional.of(sandbox.isolation().level()) : Optional.empty());
  }

  private static List<Destination> destinations(List<String> texts) {
    List<Destination> destinations = new ArrayList<>();
    for (String text : texts) {
      try {
        destinations.add(Destination.parse(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("sandbox.network.allow: " + e.getMessage());
      }
    }
    return destinations;
  }

  /** The tenant's name (its renga.tenants entry). */
  public String name() {
    return name;
  }

  /** The entry's {@code env}: plain values, shown by the admin API. */
  public Map<String, String> env() {
    return env;
  }

  public Secrets secrets() {
    return secrets;
  }

  /** The limits its requests run under. */
  public SandboxSettings sandbox() {
    return sandbox;
  }

  /** Most outbound requests one of its invocations may start; -1 for the node's renga.sandbox.outbound.max-requests. */
  public int outboundMaxRequests() {
    return outboundMaxRequests;
  }

  /** The network policy every connection its requests open is checked against. */
  public NetworkPolicy network() {
    return network;
  }

  /** Its own isolation level (renga.tenants.NAME.sandbox.isolation); empty to run under the node's. */
  public Optional<Isolation.Level> isolation() {
    return Optional.ofNullable(isolation);
  }

  /** Takes its secret values out of text Renga writes or returns. */
  public SecretMask mask() {
    return mask;
  }

  /** Its handlers' {@code process.env} as name, value, name, value...: env entries, then secrets. */
  public Object[] processEnv() {
    return processEnv.clone();
  }

  /** The files its settings were read from (secret files and directories). */
  public List<Path> files() {
    return secrets.files();
  }

  /** Settings for the admin API: every secret value masked. */
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("env", new java.util.TreeMap<>(env));
    Map<String, Object> masked = new java.util.TreeMap<>();
    secrets.sources().forEach((key, source) -> masked.put(key, Map.of("value", SecretMask.MASK, "from", source)));
    d.put("secrets", masked);
    Map<String, Object> limits = new LinkedHashMap<>();
    limits.put("isolation", isolation == null ? "node" : isolation.name().toLowerCase(java.util.Locale.ROOT));
    limits.put("requestTimeoutMs", sandbox.requestTimeout().toMillis());
    limits.put("cpuLimitMs", sandbox.cpuLimit().toMillis());
    limits.put("memoryLimitBytes", sandbox.memoryLimit());
    limits.put("maxResponseSizeBytes", sandbox.maxResponseSize());
    limits.put("consoleMaxBytes", sandbox.consoleMaxBytes());
    if (outboundMaxRequests >= 0) {
      limits.put("outboundMaxRequests", outboundMaxRequests);
    }
    d.put("sandbox", limits);
    Map<String, Object> net = new LinkedHashMap<>();
    net.put("allowPrivate", network.allowPrivate());
    net.put("allow", network.allowed().stream().map(Destination::toString).toList());
    net.put("onlyAllowed", network.onlyAllowed());
    d.put("network", net);
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantSettings t
        && name.equals(t.name) && env.equals(t.env) && secrets.equals(t.secrets) && sandbox.equals(t.sandbox)
        && outboundMaxRequests == t.outboundMaxRequests && network.equals(t.network) && isolation == t.isolation;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, env, secrets, sandbox, outboundMaxRequests, network, isolation);
  }

  /** Names and limits only: never a secret value. */
  @Override
  public String toString() {
    return "TenantSettings[" + name + ", " + describe() + "]";
  }

}
