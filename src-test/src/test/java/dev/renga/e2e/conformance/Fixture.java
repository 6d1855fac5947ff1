package dev.renga.e2e.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A conformance fixture: a handler file whose leading {@code // key: value} comment lines declare the request to send
 * and the response expected. Values may use {@code \n}, {@code \r}, {@code \t} and {@code \\}; request values may use
 * {@code ${base}} (the conformance server's http://127.0.0.1:PORT). Keys:
 *
 * <pre>
 * request-method: PUT                 request-path: /p?q=1 (default /conformance)
 * request-header: name: value         (repeatable)
 * request-body: text                  request-handler-in: header | query (default header)
 * expect-status: 200                  (required: a file without it is a support file)
 * expect-reason: Reason Phrase        expect-error: code (x-renga-error; without it the header must be absent)
 * expect-header: name: value          (repeatable; all values of that header, in order, must be exactly these)
 * expect-header-contains: name: text  expect-header-absent: name
 * expect-body: exact text             expect-body-contains: text (repeatable)   expect-body-matches: regex
 * expect-trailer: name: text          (the chunked trailer contains text)
 * expect-streamed: text               (the chunk holding text arrives >= 300 ms before the body ends)
 * expect-log: text                    (the node logs text with this request's id)
 * expect-within-ms: 2500              repeat: 2 (send the request this many times, each must pass)
 * pending: reason                     (a contract feature not implemented yet: reported as skipped)
 * bug: one line                       (the product contradicts the contract: reported as skipped)
 * </pre>
 */
record Fixture(
    String name,
    String method,
    String path,
    List<RawHttp.Header> requestHeaders,
    String requestBody,
    boolean handlerInQuery,
    int status,
    String reason,
    String error,
    Map<String, List<String>> headers,
    List<RawHttp.Header> headersContain,
    List<String> headersAbsent,
    String body,
    List<String> bodyContains,
    List<String> bodyMatches,
    List<RawHttp.Header> trailers,
    String streamed,
    List<String> logs,
    long withinMillis,
    int repeat,
    String pending,
    String bug) {

  private static final Set<String> KEYS =
      Set.of(
          "request-method", "request-path", "request-header", "request-body", "request-handler-in", "expect-status",
          "expect-reason", "expect-error", "expect-header", "expect-header-contains", "expect-header-absent",
          "expect-body", "expect-body-contains", "expect-body-matches", "expect-trailer", "expect-streamed",
          "expect-log", "expect-within-ms", "repeat", "pending", "bug");

  /** Every fixture under the class path directory {@code root}, sorted by path; files under a lib/ are support files. */
  static List<Fixture> discover(String root) {
    try {
      Path dir = Path.of(Fixture.class.getResource(root).toURI());
      try (Stream<Path> files = Files.walk(dir)) {
        List<Fixture> fixtures = new ArrayList<>();
        for (Path file : files.filter(f -> f.toString().endsWith(".js")).sorted().toList()) {
          String relative = dir.relativize(file).toString().replace('\\', '/');
          if (relative.startsWith("lib/") || relative.contains("/lib/")) {
            continue;
          }
          fixtures.add(parse(relative, Files.readAllLines(file)));
        }
        return fixtures;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Fixture parse(String name, List<String> lines) {
    Map<String, List<String>> directives = new LinkedHashMap<>();
    for (String line : lines) {
      String trimmed = line.trim();
      if (!trimmed.startsWith("//")) {
        break;
      }
      String text = trimmed.substring(2).trim();
      int colon = text.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String key = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      if (!KEYS.contains(key)) {
        if (key.startsWith("expect-") || key.startsWith("request-")) {
          throw new IllegalArgumentException(name + ": unknown directive " + key);
        }
        continue;
      }
      directives.computeIfAbsent(key, k -> new ArrayList<>()).add(unescape(text.substring(colon + 1).trim()));
    }
    if (!directives.containsKey("expect-status")) {
      throw new IllegalArgumentException(name + ": a fixture needs // expect-status: (support modules go under lib/)");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (RawHttp.Header header : pairs(directives.get("expect-header"))) {
      headers.computeIfAbsent(header.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.value());
    }
    return new Fixture(
        name,
        one(directives, "request-method", "GET"),
        one(directives, "request-path", "/conformance"),
        pairs(directives.get("request-header")),
        one(directives, "request-body", null),
        "query".equals(one(directives, "request-handler-in", "header")),
        Integer.parseInt(one(directives, "expect-status", null)),
        one(directives, "expect-reason", null),
        one(directives, "expect-error", null),
        headers,
        pairs(directives.get("expect-header-contains")),
        directives.getOrDefault("expect-header-absent", List.of()),
        one(directives, "expect-body", null),
        directives.getOrDefault("expect-body-contains", List.of()),
        directives.getOrDefault("expect-body-matches", List.of()),
        pairs(directives.get("expect-trailer")),
        one(directives, "expect-streamed", null),
        directives.getOrDefault("expect-log", List.of()),
        Long.parseLong(one(directives, "expect-within-ms", "0")),
        Integer.parseInt(one(directives, "repeat", "1")),
        one(directives, "pending", null),
        one(directives, "bug", null));
  }

  private static String one(Map<String, List<String>> directives, String key, String otherwise) {
    List<String> values = directives.get(key);
    return values == null ? otherwise : values.get(values.size() - 1);
  }

  private static List<RawHttp.Header> pairs(List<String> values) {
    if (values == null) {
      return List.of();
    }
    List<RawHttp.Header> pairs = new ArrayList<>();
    for (String value : values) {
      int colon = value.indexOf(':');
      pairs.add(new RawHttp.Header(value.substring(0, colon).trim(), value.substring(colon + 1).trim()));
    }
    return pairs;
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char next = s.charAt(++i);
        out.append(
            switch (next) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              default -> next;
            });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
