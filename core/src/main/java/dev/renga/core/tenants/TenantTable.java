package dev.renga.core.tenants;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The tenants of {@code renga.tenants}, each with the settings one side (gateway or node) made of its entry, and the
 * structure that finds a handler URL's tenant: the prefixes grouped by origin, longest path first, so a match is one
 * hash look-up and a scan of that origin's few prefixes. Entries other than {@code default} name the URL prefixes they
 * claim in {@code match}; the longest matching prefix wins; every other URL belongs to the {@code default} entry,
 * whose fairness key stays the URL's origin (each origin is a tenant of its own, as without tenants). Immutable: a
 * reload builds a new table.
 *
 * @param <T> what one side keeps of each entry
 */
public final class TenantTable<T> {
  /** The entry that holds every URL no other entry's prefix matches. */
  public static final String DEFAULT = "default";

  /** A handler URL's tenant: its fairness and connection-pool {@code key} and its entry's settings. */
  public record Match<T>(String key, String name, T settings) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private record Claim<T>(TenantPrefix prefix, String name, T settings) {}

  private final Map<String, T> byName;
  private final T defaults;
  private final Map<String, List<String>> prefixes;
  private final Map<String, List<Claim<T>>> byOrigin;

  private TenantTable(Map<String, T> byName, Map<String, List<String>> prefixes, Map<String, List<Claim<T>>> byOrigin) {
    this.byName = byName;
    this.defaults = byName.get(DEFAULT);
    this.prefixes = prefixes;
    this.byOrigin = byOrigin;
  }

  /**
   * Builds the table from the {@code renga.tenants} object: {@code parse(name, entry)} makes one side's settings of
   * each entry (a missing {@code default} entry is an empty one). Throws IllegalArgumentException (or a
   * ConfigException) naming the entry and the key when an entry is wrong; nothing is half-applied.
   */
  public static <T> TenantTable<T> of(Config tenants, BiFunction<String, Config, T> parse) {
    Map<String, T> byName = new LinkedHashMap<>();
    Map<String, List<String>> prefixes = new LinkedHashMap<>();
    Map<String, List<Claim<T>>> byOrigin = new HashMap<>();
    Map<TenantPrefix, String> claimed = new HashMap<>();
    Set<String> names = tenants.root().keySet();
    if (!names.contains(DEFAULT)) {
      byName.put(DEFAULT, parse.apply(DEFAULT, ConfigFactory.empty()));
      prefixes.put(DEFAULT, List.of());
    }
    for (String name : names.stream().sorted().toList()) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("tenant \"" + name + "\": a name has letters, digits, '-' and '_' only");
      }
      if (!(tenants.root().get(name) instanceof ConfigObject object)) {
        throw new IllegalArgumentException("tenant " + name + ": an entry must be an object { match = [...], ... }");
      }
      Config entry = object.toConfig();
      List<String> match = matchOf(name, entry);
      T settings;
      try {
        settings = parse.apply(name, entry);
      } catch (ConfigException e) {
        throw new IllegalArgumentException("tenant " + name + ": " + e.getMessage(), e);
      }
      byName.put(name, settings);
      prefixes.put(name, match);
      for (String text : match) {
        TenantPrefix prefix;
        try {
          prefix = TenantPrefix.parse(text);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("tenant " + name + ": match: " + e.getMessage());
        }
        String other = claimed.putIfAbsent(prefix, name);
        if (other != null && !other.equals(name)) {
          throw new IllegalArgumentException("tenants " + other + " and " + name + " both match " + prefix);
        }
        byOrigin.computeIfAbsent(prefix.origin(), o -> new ArrayList<>()).add(new Claim<>(prefix, name, settings));
      }
    }
    byOrigin.replaceAll(
        (origin, claims) ->
            claims.stream().sorted(Comparator.comparingInt((Claim<T> c) -> c.prefix().path().length()).reversed()).toList());
    return new TenantTable<>(Map.copyOf(byName), prefixes, Map.copyOf(byOrigin));
  }

  /** A table with only the default entry. */
  public static <T> TenantTable<T> only(T defaults) {
    return new TenantTable<>(Map.of(DEFAULT, defaults), Map.of(DEFAULT, List.of()), Map.of());
  }

  private static List<String> matchOf(String name, Config entry) {
    if (!entry.hasPath("match")) {
      if (name.equals(DEFAULT)) {
        return List.of();
      }
      throw new IllegalArgumentException("tenant " + name + ": match (the URL prefixes of its handlers) is missing");
    }
    if (name.equals(DEFAULT)) {
      throw new IllegalArgumentException("tenant default: it holds every URL no other tenant matches; it has no match");
    }
    List<String> match =
        entry.getValue("match").valueType() == ConfigValueType.LIST ? entry.getStringList("match") : List.of(entry.getString("match"));
    if (match.isEmpty()) {
      throw new IllegalArgumentException("tenant " + name + ": match is empty");
    }
    return List.copyOf(match);
  }

  /** The tenant of an absolute http(s) handler URL: the entry whose prefix is the longest match, else the default. */
  public Match<T> match(String handlerUrl) {
    URI uri = URI.create(handlerUrl);
    String origin = TenantPrefix.origin(uri);
    if (!byOrigin.isEmpty()) {
      List<Claim<T>> claims = byOrigin.get(origin);
      if (claims != null) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        for (Claim<T> claim : claims) {
          if (claim.prefix().covers(path)) {
            return new Match<>(claim.name(), claim.name(), claim.settings());
          }
        }
      }
    }
    return new Match<>(origin, DEFAULT, defaults);
  }

  /** Every entry's settings by name, the default included, in name order (default first). */
  public Map<String, T> entries() {
    Map<String, T> sorted = new LinkedHashMap<>();
    sorted.put(DEFAULT, byName.get(DEFAULT));
    byName.keySet().stream().filter(n -> !n.equals(DEFAULT)).sorted().forEach(n -> sorted.put(n, byName.get(n)));
    return sorted;
  }

  /** The URL prefixes an entry claims (none for the default). */
  public List<String> prefixes(String name) {
    return prefixes.getOrDefault(name, List.of());
  }
}
