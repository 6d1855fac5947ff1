package dev.renga.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How bare names and package files resolve in renga.handlers.packages, and what never resolves. */
class PackageDirectoryTest {
  private static final String HANDLER = "https://code.example.com/h.js";

  @Test
  void theDirectoryMayBeWhereNpmInstallRanOrItsNodeModules(@TempDir Path dir) throws Exception {
    write(dir.resolve("node_modules/a/index.js"), "module.exports = 1;");
    for (Path configured : new Path[] {dir, dir.resolve("node_modules")}) {
      var found = PackageDirectory.at(configured).resolve(HANDLER, "a");
      assertEquals("/node_modules/a/index.js", found.code().url(), String.valueOf(found.error()));
      assertEquals("module.exports = 1;", found.code().code());
    }
  }

  @Test
  void aSymbolicLinkOutOfTheDirectoryIsNotRead(@TempDir Path dir) throws Exception {
    write(dir.resolve("outside/secret.js"), "module.exports = 'secret';");
    Files.createDirectories(dir.resolve("packages/node_modules/evil"));
    Files.createSymbolicLink(dir.resolve("packages/node_modules/evil/index.js"), dir.resolve("outside/secret.js"));
    var found = PackageDirectory.at(dir.resolve("packages")).resolve(HANDLER, "evil");
    assertNull(found.code());
    assertEquals("it could not be read", found.error());
  }

  @Test
  void pathsThatLeaveTheDirectoryOrAreAbsoluteNeverResolve(@TempDir Path dir) throws Exception {
    write(dir.resolve("secret.js"), "module.exports = 'secret';");
    write(dir.resolve("packages/node_modules/a/index.js"), "module.exports = require('../../../secret.js');");
    var packages = PackageDirectory.at(dir.resolve("packages"));
    assertNull(packages.resolve("/node_modules/a/index.js", "../../../secret.js").code());
    assertNull(packages.resolve(HANDLER, "a/../../../secret").code());
    assertNull(packages.resolve(HANDLER, "/etc/passwd").code());
    assertNull(packages.resolve(HANDLER, "./a").code(), "a handler's relative modules come from its URL");
    assertTrue(packages.resolve(HANDLER, "@scope").error().contains("not in the package directory"));
  }

  @Test
  void withoutADirectoryEveryNameIsMissingAndAMissingDirectoryIsAConfigurationError(@TempDir Path dir) {
    assertEquals("no package directory is configured (renga.handlers.packages)", PackageDirectory.none().resolve(HANDLER, "pg").error());
    var error = assertThrows(IllegalArgumentException.class, () -> PackageDirectory.at(dir.resolve("nope")));
    assertTrue(error.getMessage().contains("renga.handlers.packages"), error.getMessage());
  }

  @Test
  void aByteOrderMarkAndAShebangLineAreNotCodeAndLinesStayWhereTheyWere(@TempDir Path dir) throws Exception {
    write(dir.resolve("node_modules/cli/index.js"), "\uFEFF#!/usr/bin/env node\nmodule.exports = 2;");
    var found = PackageDirectory.at(dir).resolve(HANDLER, "cli");
    assertEquals("//\nmodule.exports = 2;", found.code().code());
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
