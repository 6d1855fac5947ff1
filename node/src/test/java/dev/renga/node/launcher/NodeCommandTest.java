package dev.renga.node.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a node JVM's jars go, checked on this test's own class path (which has GraalJS and Graal's compiler). */
class NodeCommandTest {
  private static final String CLASS_PATH = System.getProperty("java.class.path");

  private static String value(List<String> options, String prefix) {
    return options.stream().filter(o -> o.startsWith(prefix)).map(o -> o.substring(prefix.length())).findFirst().orElse("");
  }

  private static List<String> entries(String path) {
    return Arrays.stream(path.split(File.pathSeparator)).map(e -> new File(e).getName()).toList();
  }

  @Test
  void graalJsGoesToTheModulePathAndTheCompilerUpgradesTheJdks() {
    List<String> options = NodeCommand.paths(CLASS_PATH, true);
    assertTrue(options.contains("-XX:+EnableJVMCI"), options.toString());
    List<String> modules = entries(value(options, "--module-path="));
    assertTrue(modules.stream().anyMatch(n -> n.startsWith("polyglot-")), modules.toString());
    assertTrue(modules.stream().anyMatch(n -> n.startsWith("js-language-")), modules.toString());
    assertTrue(modules.stream().anyMatch(n -> n.startsWith("truffle-runtime-")), modules.toString());
    assertTrue(entries(value(options, "--upgrade-module-path=")).stream().anyMatch(n -> n.startsWith("compiler-")));
    List<String> classPath = entries(options.get(options.indexOf("-cp") + 1));
    assertFalse(classPath.stream().anyMatch(n -> n.startsWith("polyglot-") || n.startsWith("compiler-")), classPath.toString());
    assertTrue(classPath.stream().anyMatch(n -> n.startsWith("pekko-actor")), classPath.toString());
    assertEquals("-cp", options.get(options.size() - 2));
  }

  @Test
  void withoutCompilingEverythingStaysOnTheClassPath() {
    assertEquals(List.of("-cp", CLASS_PATH), NodeCommand.paths(CLASS_PATH, false));
  }
}
