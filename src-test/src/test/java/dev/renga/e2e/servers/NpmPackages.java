package dev.renga.e2e.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The npm packages of the end-to-end tests (src-test/npm: package.json and its committed package-lock.json):
 * installed with {@code npm ci} when node_modules does not match the lockfile, and the handler entries in
 * src-test/npm/handlers bundled with the lockfile's esbuild ({@code --bundle --platform=node}) into
 * target/npm-bundles. The same tree is the node's package directory (renga.handlers.packages) for the tests that
 * require packages unbundled. Needs Node.js with npm, and the npm registry when node_modules is missing.
 */
public final class NpmPackages {
  /** The npm project, relative to src-test (where Maven runs its tests). */
  private static final Path PROJECT = Path.of(System.getProperty("renga.e2e.npm", "npm")).toAbsolutePath();
  private static final Path BUNDLES = Path.of("target", "npm-bundles").toAbsolutePath();
  private static final String STAMP = ".renga-installed";
  private static boolean ready;

  private NpmPackages() {}

  /** Installs the packages if needed and bundles every handler entry; once per test JVM. */
  public static synchronized void prepare() {
    if (ready) {
      return;
    }
    try {
      String lock = sha256(Files.readAllBytes(PROJECT.resolve("package-lock.json")));
      Path stamp = PROJECT.resolve("node_modules").resolve(STAMP);
      if (!Files.isRegularFile(stamp) || !Files.readString(stamp).strip().equals(lock)) {
        Command.run(PROJECT, 600, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
        Files.writeString(stamp, lock + "\n");
      }
      Files.createDirectories(BUNDLES);
      List<String> command = new ArrayList<>(List.of(
          PROJECT.resolve("node_modules/.bin/esbuild").toString(), "--bundle", "--platform=node", "--log-level=error",
          "--outdir=" + BUNDLES));
      try (Stream<Path> entries = Files.list(PROJECT.resolve("handlers"))) {
        entries.filter(p -> p.toString().endsWith(".js")).sorted().forEach(p -> command.add("handlers/" + p.getFileName()));
      }
      Command.run(PROJECT, 300, command);
      ready = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The npm project directory (it holds node_modules): a package directory for renga.handlers.packages. */
  public static Path directory() {
    return PROJECT;
  }

  /** The esbuild bundle of handlers/NAME. */
  public static Path bundle(String name) {
    return BUNDLES.resolve(name);
  }

  /** The unbundled entry handlers/NAME. */
  public static Path entry(String name) {
    return PROJECT.resolve("handlers").resolve(name);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
