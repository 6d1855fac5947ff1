package dev.renga.node.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * JDK 25's ahead-of-time cache (JEPs 483, 514, 515) for the node JVMs a launcher starts: the classes a JVM loaded and
 * linked and the method profiles it gathered, written by one JVM as it exits and mapped by the next ones.
 *
 * <p>The file's name is a hash of the JDK and of every jar the node loads (path, size, modification time), so a rebuild
 * or another JDK never maps a stale cache: it records a new one. The first node JVM without a cache records it under a
 * temporary name, renamed into place once that JVM has exited and the file is complete. The JDK refuses the cache
 * ("AOT cache is disabled when the --upgrade-module-path option is specified"), so nodes that compile JavaScript with
 * Graal's compiler ({@link NodeCommand}) start without one; interpreted nodes ({@code RENGA_NODE_COMPILE=off}) use it.
 */
final class AotCache {
  /** System property (set by bin/renga) naming the directory of the caches; unset or empty: no cache. */
  static final String DIR_PROPERTY = "renga.launcher.aot-dir";

  private final Optional<Path> cache;
  /** The node JVM's command without its main class, to check a recorded cache with. */
  private final List<String> jvm;
  private final AtomicBoolean recording = new AtomicBoolean();

  private AotCache(Optional<Path> cache, List<String> jvm) {
    this.cache = cache;
    this.jvm = jvm;
  }

  /** The cache for node JVMs started with {@code nodeOptions} (the path options included), or none when off. */
  static AotCache forNode(List<String> nodeOptions, String javaCommand) {
    String dir = System.getProperty(DIR_PROPERTY, "");
    if (dir.isBlank() || Runtime.version().feature() < 25) {
      return new AotCache(Optional.empty(), List.of());
    }
    if (nodeOptions.stream().anyMatch(o -> o.startsWith("--upgrade-module-path"))) {
      log("node JVMs start without the JDK's AOT cache: the JDK disables it with --upgrade-module-path, which"
          + " Graal's compiler needs (RENGA_NODE_COMPILE=off runs nodes interpreted, with the cache)");
      return new AotCache(Optional.empty(), List.of());
    }
    List<String> jvm = new ArrayList<>(List.of(javaCommand));
    jvm.addAll(nodeOptions);
    return new AotCache(Optional.of(Path.of(dir, "node-" + key(nodeOptions, javaCommand) + ".aot")), List.copyOf(jvm));
  }

  /** The JVM options for the next node JVM: map the cache, record it (one JVM at a time), or none. */
  List<String> options() {
    if (cache.isEmpty()) {
      return List.of();
    }
    Path file = cache.get();
    if (Files.isRegularFile(file)) {
      return List.of("-XX:AOTCache=" + file);
    }
    if (recording.compareAndSet(false, true)) {
      log("no AOT cache for these jars and this JDK yet: the next node JVM records one (" + file + ")");
      return List.of("-XX:AOTCacheOutput=" + recordingFile());
    }
    return List.of();
  }

  /** Call when a node JVM started with {@link #options()} has exited: a complete recording becomes the cache. */
  void exited(List<String> options) {
    if (cache.isEmpty() || options.stream().noneMatch(o -> o.startsWith("-XX:AOTCacheOutput="))) {
      return;
    }
    Path recorded = recordingFile();
    try {
      if (Files.isRegularFile(recorded) && Files.size(recorded) > 0 && mapsCleanly(recorded)) {
        Files.move(recorded, cache.get(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log("AOT cache written: " + cache.get());
      } else {
        // Killed before it wrote a whole cache: the next JVM records again.
        Files.deleteIfExists(recorded);
        recording.set(false);
      }
      Files.deleteIfExists(Path.of(recorded + ".config"));
    } catch (IOException e) {
      log("could not keep the AOT cache " + recorded + ": " + e.getMessage());
      recording.set(false);
    }
  }

  /** Whether a JVM with the node's options maps this cache (AOTMode=on fails on one cut short by a kill). */
  private boolean mapsCleanly(Path file) {
    List<String> check = new ArrayList<>(jvm);
    check.addAll(1, List.of("-XX:AOTCache=" + file, "-XX:AOTMode=on"));
    check.add("-version");
    try {
      return new ProcessBuilder(check).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
          .waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Path recordingFile() {
    Path file = cache.orElseThrow();
    return file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
  }

  /** A hash of the JDK, the node's options and every jar they name (path, size, time). */
  private static String key(List<String> nodeOptions, String javaCommand) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      StringBuilder text = new StringBuilder(javaCommand).append('\n').append(Runtime.version()).append('\n');
      for (String option : nodeOptions) {
        if (option.startsWith("-D")) {
          continue; // properties (the parent's pid among them) do not change what a JVM loads
        }
        text.append(option).append('\n');
        for (String entry : option.substring(option.indexOf('=') + 1).split(File.pathSeparator)) {
          Path path = Path.of(entry);
          if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
            text.append(entry).append(' ').append(Files.size(path)).append(' ')
                .append(Files.getLastModifiedTime(path).toMillis()).append('\n');
          }
        }
      }
      return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)), 0, 8);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot key the AOT cache", e);
    }
  }

  private static void log(String message) {
    System.err.println("[renga-launcher] " + message);
  }
}
