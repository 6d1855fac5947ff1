package dev.renga.e2e.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * The handler API (DESIGN §4-§6) as a user meets it: one fixture per feature under
 * src/test/resources/conformance/api, each declaring its request and expected response in its leading comments
 * ({@link Fixture}), run end to end over real HTTP through one gateway and one node JVM. Fixtures marked
 * {@code pending:} or {@code bug:} are still run, and reported as skipped with what happened.
 */
class ConformanceEndToEndTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
  private static ConformanceServer server;
  private static OneGatewayOneNode renga;
  /** Each fixture's outcome, printed as a table when the class ends. */
  private static final List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    server = new ConformanceServer();
    renga = new OneGatewayOneNode("conformance", Map.of(), Map.of());
  }

  @AfterAll
  static void stop() {
    System.out.println("Conformance fixtures:\n" + String.join("\n", outcomes));
    if (renga != null) {
      renga.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureAnswersAsItDeclares() {
    return Fixture.discover("/conformance/api").stream().map(fixture -> DynamicTest.dynamicTest(fixture.name(), () -> run(fixture)));
  }

  private static void run(Fixture fixture) {
    String marker = fixture.pending() != null ? "pending: " + fixture.pending() : fixture.bug() != null ? "bug: " + fixture.bug() : null;
    try {
      for (int i = 1; i <= fixture.repeat(); i++) {
        check(fixture, i);
      }
    } catch (AssertionError e) {
      if (marker == null) {
        outcomes.add("  FAIL     " + fixture.name() + ": " + firstLine(e.getMessage()));
        throw e;
      }
      outcomes.add("  SKIPPED  " + fixture.name() + " -- " + marker + " (still fails: " + firstLine(e.getMessage()) + ")");
      throw new TestAbortedException(marker + " (still fails: " + firstLine(e.getMessage()) + ")");
    }
    if (marker != null) {
      outcomes.add("  SKIPPED  " + fixture.name() + " -- " + marker + " -- but it PASSES now: remove the marker");
      Assumptions.abort(marker + " -- but the fixture PASSES now: remove the marker");
    }
    outcomes.add("  PASS     " + fixture.name());
  }

  private static String firstLine(String s) {
    return s == null ? "" : RawHttp.abbreviate(s.lines().findFirst().orElse(""));
  }

  private static void check(Fixture fixture, int attempt) {
    String handler = server.fixtureUrl("api/" + fixture.name());
    String requestId = "conf-" + UUID.randomUUID().toString().substring(0, 8) + "-" + attempt;
    List<RawHttp.Header> headers = new ArrayList<>();
    String path = placeholders(fixture.path());
    if (fixture.handlerInQuery()) {
      path += (path.contains("?") ? "&" : "?") + "x-haiku-handler=" + URLEncoder.encode(handler, StandardCharsets.UTF_8);
    } else {
      headers.add(new RawHttp.Header("x-haiku-handler", handler));
    }
    headers.add(new RawHttp.Header("x-request-id", requestId));
    for (RawHttp.Header header : fixture.requestHeaders()) {
      headers.add(new RawHttp.Header(header.name(), placeholders(header.value())));
    }
    byte[] body = fixture.requestBody() == null ? null : placeholders(fixture.requestBody()).getBytes(StandardCharsets.UTF_8);
    var response = RawHttp.send(renga.httpPort, new RawHttp.Request(fixture.method(), path, headers, body, false), REQUEST_TIMEOUT);
    String what = fixture.name() + " answered " + response;

    assertEquals(fixture.status(), response.status(), what);
    if (fixture.error() == null) {
      assertEquals(List.of(), response.values("x-renga-error"), "a response the handler wrote has no x-renga-error: " + what);
    } else {
      assertEquals(List.of(fixture.error()), response.values("x-renga-error"), what);
      assertTrue(response.header("content-type").orElse("").startsWith("text/plain"), "errors are text/plain: " + what);
    }
    if (fixture.reason() != null) {
      assertEquals(fixture.reason(), response.reason(), "reason phrase: " + what);
    }
    fixture.headers().forEach((name, values) -> assertEquals(values, response.values(name), "header " + name + ": " + what));
    for (RawHttp.Header header : fixture.headersContain()) {
      String actual = String.join(", ", response.values(header.name()));
      assertTrue(actual.contains(header.value()), "header " + header.name() + " contains " + header.value() + ": " + what);
    }
    for (String name : fixture.headersAbsent()) {
      assertEquals(List.of(), response.values(name), "header " + name + " is absent: " + what);
    }
    if (fixture.body() != null) {
      assertEquals(fixture.body(), response.text(), what);
    }
    for (String part : fixture.bodyContains()) {
      assertTrue(response.text().contains(part), "body contains \"" + part + "\": " + what);
    }
    for (String regex : fixture.bodyMatches()) {
      assertTrue(Pattern.compile(regex, Pattern.DOTALL).matcher(response.text()).matches(), "body matches " + regex + ": " + what);
    }
    for (RawHttp.Header trailer : fixture.trailers()) {
      assertTrue(response.chunked(), "a trailer needs a chunked response: " + what);
      String actual = response.trailer(trailer.name()).orElse(null);
      assertNotNull(actual, "trailer " + trailer.name() + " (trailers: " + response.trailers() + "): " + what);
      assertTrue(actual.contains(trailer.value()), "trailer " + trailer.name() + " contains " + trailer.value() + ": " + actual);
    }
    if (fixture.streamed() != null) {
      assertStreamed(fixture.streamed(), response, what);
    }
    if (fixture.withinMillis() > 0) {
      assertTrue(response.millis() <= fixture.withinMillis(), "answered within " + fixture.withinMillis() + " ms, took " + response.millis() + ": " + what);
    }
    assertEquals(null, response.failure(), what);
    for (String text : fixture.logs()) {
      assertLogged(requestId, text, what);
    }
  }

  /** The chunk that completes {@code text} must reach the client well before the body ends: it was streamed. */
  private static void assertStreamed(String text, RawHttp.Response response, String what) {
    assertTrue(response.chunked(), "a streamed response is chunked: " + what);
    StringBuilder seen = new StringBuilder();
    Long arrived = null;
    for (RawHttp.Chunk chunk : response.chunks()) {
      seen.append(new String(chunk.bytes(), StandardCharsets.UTF_8));
      if (seen.toString().contains(text)) {
        arrived = chunk.arrivedNanos();
        break;
      }
    }
    assertNotNull(arrived, "the body has " + text + ": " + what);
    long before = (response.endNanos() - arrived) / 1_000_000;
    assertTrue(before >= 300, "\"" + text + "\" arrived only " + before + " ms before the end of the body: " + what);
  }

  /** The node's log has a line with this request's id and the text (logging is asynchronous: wait a little). */
  private static void assertLogged(String requestId, String text, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      boolean logged = Arrays.stream(renga.nodeLog().split("\n")).anyMatch(line -> line.contains(requestId) && line.contains(text));
      if (logged) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the node logged no line with " + requestId + " and \"" + text + "\": " + what);
      }
      try {
        Thread.sleep(50); // polling a log file for a bounded time
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static String placeholders(String s) {
    return s.replace("${base}", server.base());
  }
}
