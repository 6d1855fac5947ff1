package dev.renga.node.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Renga's own JavaScript (runtime, built-in modules, outbound client) is evaluated again for every request in `context`
 * and for every require episode: it must not declare private class members ({@code #name}). Each evaluation of such a
 * class makes new private names that all hash alike, and GraalJS keeps the property transitions of every evaluation
 * in the engine's shared shape tree, where looking one up then scans them all: fetch-proxy's node CPU per request
 * doubled (1.8 → 3.8 ms) before outbound.js's Headers and Response moved to ordinary properties, and it grows with
 * every request served.
 */
class RuntimeSourcesTest {
  private static final Path SOURCES = Path.of("src/main/resources/dev/renga/node");
  /** A private name: '#' then an identifier start, not inside a regular expression's character class. */
  private static final Pattern PRIVATE_NAME = Pattern.compile("(?<![\\[\\\\/?^])#[A-Za-z_][\\w$]*");

  @Test
  void noScriptRengaEvaluatesPerRequestDeclaresPrivateClassMembers() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".js")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("//") || line.startsWith("*")) {
            continue;
          }
          Matcher m = PRIVATE_NAME.matcher(line);
          if (m.find()) {
            found.add(SOURCES.relativize(file) + ":" + (i + 1) + " " + m.group());
          }
        }
      }
    }
    assertEquals(List.of(), found, "private class members in per-request JavaScript (use ordinary properties)");
  }
}
