package dev.renga.node.tenants;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A tenant's secrets (renga.tenants.NAME.secrets), read when the tenants load, never per request: every file of
 * {@code dir} (name = file name), the files named in {@code files}, and the node's environment variables named in
 * {@code env}. A file's value is its content with one trailing line break taken off. Handlers read them as
 * {@code process.env} entries; nothing else shows a value: {@link #toString}, the admin API and the tenants log show
 * names and where each came from only.
 *
 * @param values each secret's value by name
 * @param sources each secret's source by name ("file /run/secrets/db", "env ACME_DB"), for the admin API
 * @param files the files and directories the values came from (a change to any of them reloads the tenants)
 */
public record Secrets(Map<String, String> values, Map<String, String> sources, List<Path> files) {
  public static final Secrets NONE = new Secrets(Map.of(), Map.of(), List.of());

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> KEYS = Set.of("dir", "files", "env");

  /** Reads a tenant's secrets; throws IllegalArgumentException naming the secret or file at fault (never a value). */
  public static Secrets read(Config secrets, UnaryOperator<String> environment) {
    for (String key : secrets.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("secrets." + key + " is not a setting (dir, files, env)");
      }
    }
    Map<String, String> values = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    List<Path> files = new ArrayList<>();
    if (secrets.hasPath("dir") && !secrets.getString("dir").isBlank()) {
      Path dir = Path.of(secrets.getString("dir"));
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("secrets.dir " + dir + " is not a directory");
      }
      files.add(dir);
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path file : entries.sorted().toList()) {
          String name = file.getFileName().toString();
          // Hidden entries (a Kubernetes secret volume's ..data, editors' swap files) are not secrets.
          if (name.startsWith(".") || !Files.isRegularFile(file)) {
            continue;
          }
          if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                "secrets.dir " + dir + ": file " + name + " is not a variable name (letters, digits, '_')");
          }
          values.put(name, content(file));
          sources.put(name, "file " + file);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("secrets.dir " + dir + " cannot be read: " + e.getMessage());
      }
    }
    if (secrets.hasPath("files")) {
      for (Map.Entry<String, String> entry : strings(secrets, "files").entrySet()) {
        Path file = Path.of(entry.getValue());
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException("secrets.files." + entry.getKey() + ": " + file + " is not a file");
        }
        files.add(file);
        values.put(entry.getKey(), content(file));
        sources.put(entry.getKey(), "file " + file);
      }
    }
    if (secrets.hasPath("env")) {
      for (Map.Entry<String, String> entry : strings(secrets, "env").entrySet()) {
        String value = environment.apply(entry.getValue());
        if (value == null) {
          throw new IllegalArgumentException(
              "secrets.env." + entry.getKey() + ": the node has no environment variable " + entry.getValue());
        }
        values.put(entry.getKey(), value);
        sources.put(entry.getKey(), "env " + entry.getValue());
      }
    }
    return new Secrets(Map.copyOf(values), Map.copyOf(sources), List.copyOf(files));
  }

  /** The string values of an object setting, by key; the keys must be variable names. */
  static Map<String, String> strings(Config config, String path) {
    Map<String, String> strings = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> entry : config.getObject(path).entrySet()) {
      String key = entry.getKey();
      if (!NAME.matcher(key).matches()) {
        throw new IllegalArgumentException(path + "." + key + ": not a variable name (letters, digits, '_')");
      }
      ConfigValueType type = entry.getValue().valueType();
      if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST || type == ConfigValueType.NULL) {
        throw new IllegalArgumentException(path + "." + key + " must be a string");
      }
      strings.put(key, String.valueOf(entry.getValue().unwrapped()));
    }
    return strings;
  }

  private static String content(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("secret file " + file + " cannot be read: " + e.getClass().getSimpleName());
    }
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }

  /** Names and sources only. */
  @Override
  public String toString() {
    return "Secrets" + sources;
  }
}
