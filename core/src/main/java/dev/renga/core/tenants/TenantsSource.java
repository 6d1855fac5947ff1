package dev.renga.core.tenants;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where tenants are configured (renga.tenants, renga.tenants-file, renga.tenants-reload-interval), read once at
 * start-up. The file's top-level entries are tenants, as inside {@code renga.tenants}; they override the application
 * config's entries of the same name. Only the file is read again on a reload.
 *
 * @param inline the {@code renga.tenants} object of the application config
 * @param file the tenants file, if any
 * @param reloadInterval how often the file (and the secret files its tenants name) is checked for changes; zero for
 *     never (a SIGHUP still reloads)
 */
public record TenantsSource(Config inline, Optional<Path> file, Duration reloadInterval) {

  public static TenantsSource from(Config config) {
    Config c = config.getConfig("renga");
    String file = c.getString("tenants-file").trim();
    return new TenantsSource(
        c.getConfig("tenants"), file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file)), c.getDuration("tenants-reload-interval"));
  }

  /** Tenants from the application config alone (no file). */
  public static TenantsSource of(Config tenants) {
    return new TenantsSource(tenants, Optional.empty(), Duration.ZERO);
  }

  /**
   * The tenant entries now: the file's (read now, substitutions such as {@code ${?VAR}} resolved against the
   * environment) over the application config's. Throws IllegalArgumentException naming the file and the error.
   */
  public Config read() {
    if (file.isEmpty()) {
      return inline;
    }
    Path path = file.get();
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("tenants file " + path + " does not exist or is not a file");
    }
    try {
      Config parsed = ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
      return parsed.withFallback(inline);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("tenants file " + path + ": " + e.getMessage(), e);
    }
  }
}
