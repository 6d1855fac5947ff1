package dev.renga.node.launcher;

import java.io.File;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a node JVM loads GraalJS. On the plain class path GraalJS only interprets; with its jars on the module path and
 * Graal's compiler upgrading the JDK's (JVMCI), it compiles hot handler code, about ten times faster on compute. So
 * the Graal modules found on the class path go to the module path, the compiler to the upgrade module path, and the
 * rest (Renga, Pekko, ...) stays on the class path. Without the compiler jar, on a JDK without JVMCI, or with
 * {@code RENGA_NODE_COMPILE=off} in the environment, the node runs interpreted: the compiler costs CPU for a minute
 * or so after each JVM start, which short-lived JVMs never win back.
 */
final class NodeCommand {
  private static final String COMPILER = "jdk.graal.compiler";

  private NodeCommand() {}

  /** The JVM options that put {@code classPath}'s entries where they belong, ending with {@code -cp PATH}. */
  static List<String> paths(String classPath) {
    return paths(classPath, !"off".equalsIgnoreCase(System.getenv("RENGA_NODE_COMPILE")));
  }

  static List<String> paths(String classPath, boolean compile) {
    List<String> graal = new ArrayList<>();
    List<String> compiler = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      String module = moduleName(entry).orElse("");
      if (module.equals(COMPILER)) {
        compiler.add(entry);
      } else if (module.startsWith("org.graalvm.") || module.startsWith("com.oracle.truffle.")) {
        graal.add(entry);
      } else {
        rest.add(entry);
      }
    }
    if (!compile || graal.isEmpty() || compiler.isEmpty() || ModuleFinder.ofSystem().find("jdk.internal.vm.ci").isEmpty()) {
      // Interpreted: everything stays on the class path, where the JVM starts fastest.
      return List.of("-cp", classPath);
    }
    return List.of(
        "-XX:+UnlockExperimentalVMOptions",
        "-XX:+EnableJVMCI",
        "--upgrade-module-path=" + String.join(File.pathSeparator, compiler),
        "--module-path=" + String.join(File.pathSeparator, graal),
        "--add-modules=ALL-MODULE-PATH",
        "--enable-native-access=org.graalvm.truffle",
        "-cp",
        String.join(File.pathSeparator, rest));
  }

  /** The name of the module a jar holds (declared, or derived for a plain jar); empty for a directory or no jar. */
  private static Optional<String> moduleName(String entry) {
    if (!entry.endsWith(".jar")) {
      return Optional.empty();
    }
    try {
      return ModuleFinder.of(Path.of(entry)).findAll().stream().findFirst().map(ModuleReference::descriptor).map(d -> d.name());
    } catch (FindException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
