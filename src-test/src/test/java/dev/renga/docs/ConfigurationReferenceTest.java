package dev.renga.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every Renga configuration key in any module's reference.conf is documented in docs/OPERATIONS.md. */
class ConfigurationReferenceTest {
  private static final Path ROOT = Path.of(System.getProperty("renga.e2e.conf", "../conf")).getParent();

  @Test
  void everyReferenceKeyIsInTheOperationsGuide() throws IOException {
    String guide = Files.readString(ROOT.resolve("docs/OPERATIONS.md"));
    List<String> missing = new ArrayList<>();
    for (String module : List.of("core", "node", "gateway")) {
      Path reference = ROOT.resolve(module + "/src/main/resources/reference.conf");
      var config = ConfigFactory.parseFile(reference.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      if (!config.hasPath("renga")) {
        continue;
      }
      for (var entry : config.getConfig("renga").entrySet()) {
        String key = "renga." + entry.getKey();
        if (!guide.contains("`" + key + "`")) {
          missing.add(key + " (" + module + ")");
        }
      }
    }
    assertTrue(missing.isEmpty(), "keys missing from docs/OPERATIONS.md: " + missing);
  }
}
