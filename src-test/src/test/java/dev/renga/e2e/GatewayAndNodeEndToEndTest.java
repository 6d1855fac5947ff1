package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.core.ErrorCode;
import dev.renga.node.testing.FixtureServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway and a node as separate JVMs forming a Pekko cluster on loopback, called over real HTTP: the walking
 * skeleton as a user runs it.
 */
class GatewayAndNodeEndToEndTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
  private static final RengaProcesses renga = new RengaProcesses();
  private static final FixtureServer fixtures = new FixtureServer();
  private static final HttpClient client = HttpClient.newHttpClient();
  private static String gateway;
  /** A gateway whose cluster has no node at all. */
  private static String lonelyGateway;

  @BeforeAll
  static void start() {
    var started = renga.seedGateway("gateway", Map.of());
    // The CPU limit above the time limit: the loop below is stopped by the time limit it tests.
    renga.node(
        "node",
        started.seeds(),
        Map.of("renga.sandbox.request-timeout", REQUEST_TIMEOUT.toMillis() + "ms", "renga.sandbox.cpu-limit", "10s"));
    var lonely = renga.seedGateway("lonely-gateway", Map.of());
    gateway = started.url();
    lonelyGateway = lonely.url();
    renga.awaitOk(started.admin() + "/readyz", Duration.ofSeconds(90));
    renga.awaitOk(lonely.admin() + "/healthz", Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    renga.close();
    fixtures.close();
  }

  private static HttpResponse<String> call(String base, String fixtureOrUrl, HttpRequest.BodyPublisher body) throws Exception {
    String handler = fixtureOrUrl.startsWith("http") ? fixtureOrUrl : fixtures.url(fixtureOrUrl);
    var request =
        HttpRequest.newBuilder(URI.create(base + "/x?y=1"))
            .header("x-haiku-handler", handler)
            .timeout(Duration.ofSeconds(30))
            .method(body == null ? "GET" : "POST", body == null ? HttpRequest.BodyPublishers.noBody() : body)
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> call(String fixtureOrUrl) throws Exception {
    return call(gateway, fixtureOrUrl, null);
  }

  private static void assertError(HttpResponse<String> response, ErrorCode code) {
    assertEquals(code.status(), response.statusCode(), response.body());
    assertEquals(code.code(), response.headers().firstValue(ErrorCode.HEADER).orElse(null), response.body());
    assertTrue(response.body().startsWith(code.code() + ": "), response.body());
    assertTrue(response.body().contains("handler: "), response.body());
  }

  @Test
  void helloAnswersThroughGatewayAndNode() throws Exception {
    var response = call("hello.js");
    assertEquals(200, response.statusCode());
    assertEquals("Hello, world!\n", response.body());
    assertEquals("text/plain", response.headers().firstValue("content-type").orElse(null));
    assertFalse(response.headers().firstValue(ErrorCode.HEADER).isPresent());
    assertTrue(response.headers().firstValue("x-request-id").isPresent());
  }

  @Test
  void echoReturnsMethodUrlHeadersAndBody() throws Exception {
    var response = call(gateway, "echo.js", HttpRequest.BodyPublishers.ofString("hi"));
    assertEquals(200, response.statusCode());
    String json = response.body();
    assertTrue(json.contains("\"method\":\"POST\""), json);
    assertTrue(json.contains("\"url\":\"/x?y=1\""), json);
    assertTrue(json.contains("\"body\":\"hi\""), json);
    assertTrue(json.contains("\"content-length\":\"2\""), json);
    assertFalse(json.contains("x-haiku-handler"), json);
  }

  @Test
  void handlerUrlInTheQueryWorksAndIsHiddenFromTheHandler() throws Exception {
    String query = "x-haiku-handler=" + URLEncoder.encode(fixtures.url("echo.js"), StandardCharsets.UTF_8);
    var response =
        client.send(
            HttpRequest.newBuilder(URI.create(gateway + "/q?a=1&" + query)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("\"url\":\"/q?a=1\""), response.body());
  }

  @Test
  void requestWithoutHandlerGetsHandlerMissing() throws Exception {
    assertError(client.send(HttpRequest.newBuilder(URI.create(gateway + "/")).build(), HttpResponse.BodyHandlers.ofString()), ErrorCode.HANDLER_MISSING);
  }

  @Test
  void relativeHandlerUrlGetsHandlerUrlInvalid() throws Exception {
    var response =
        client.send(
            HttpRequest.newBuilder(URI.create(gateway + "/")).header("x-haiku-handler", "hello.js").build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(response, ErrorCode.HANDLER_URL_INVALID);
  }

  @Test
  void handlerThatIsNotThereGetsHandlerFetchFailed() throws Exception {
    assertError(call("not-there.js"), ErrorCode.HANDLER_FETCH_FAILED);
  }

  @Test
  void handlerOverTheSizeLimitGetsHandlerTooLarge() throws Exception {
    assertError(call(fixtures.base() + "/big.js"), ErrorCode.HANDLER_TOO_LARGE);
  }

  @Test
  void metadataHandlerUrlGetsHandlerForbidden() throws Exception {
    assertError(call("http://169.254.169.254/latest/meta-data/"), ErrorCode.HANDLER_FORBIDDEN);
  }

  @Test
  void syntaxErrorGetsCompileErrorWithTheLine() throws Exception {
    var response = call("syntax-error.js");
    assertError(response, ErrorCode.COMPILE_ERROR);
    assertTrue(response.body().contains("syntax-error.js:2:"), response.body());
  }

  @Test
  void throwingHandlerGetsExceptionWithItsStack() throws Exception {
    var response = call("throws.js");
    assertError(response, ErrorCode.EXCEPTION);
    assertTrue(response.body().contains("cannot parse order"), response.body());
    assertTrue(response.body().contains("throws.js:2"), response.body());
  }

  @Test
  void bodyOverTheLimitGetsBodyTooLarge() throws Exception {
    assertError(
        call(gateway, "echo.js", HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024])), ErrorCode.BODY_TOO_LARGE);
  }

  @Test
  void gatewayWithoutNodesGetsNoCapacityWithRetryAfter() throws Exception {
    var response = call(lonelyGateway, "hello.js", null);
    assertError(response, ErrorCode.NO_CAPACITY);
    assertTrue(response.headers().firstValue("retry-after").isPresent());
  }

  @Test
  void writesAreStreamedAsChunkedTransferWhileTheHandlerRuns() throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + "/s?ms=2000")).header("x-haiku-handler", fixtures.url("streams.js")).build();
    var response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    assertEquals("chunked", response.headers().firstValue("transfer-encoding").orElse(null));
    assertEquals("text/plain", response.headers().firstValue("content-type").orElse(null));
    try (var body = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertEquals("first", body.readLine());
      long firstAt = System.nanoTime();
      assertEquals("second", body.readLine());
      long secondAt = System.nanoTime();
      assertEquals("done", body.readLine());
      assertEquals(null, body.readLine());
      // The handler writes "second" 2 s after "first": the first chunk was here before the second existed (the first
      // chunk's trip may be slower than the second's, the first streamed response of a fresh gateway JVM).
      long apart = Duration.ofNanos(secondAt - firstAt).toMillis();
      assertTrue(apart >= 1200, "chunks arrived " + apart + " ms apart");
    }
  }

  @Test
  void streamedResponseThatFailsIsCutOffNeverCompleted() throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + "/")).header("x-haiku-handler", fixtures.url("streams-then-throws.js")).build();
    var response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    try (var body = response.body()) {
      assertThrows(java.io.IOException.class, body::readAllBytes, "a cut-off stream must not read as a whole response");
    }
    assertEquals(200, call("hello.js").statusCode());
  }

  private static HttpResponse<String> console(String mode, boolean asQuery) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + "/c" + (asQuery ? "?x-haiku-console=" + mode : "")))
            .header("x-haiku-handler", fixtures.url("console-modes.js"));
    if (!asQuery) {
      request.header("x-haiku-console", mode);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void consoleOutputIsReturnedAsTheModeAsksAndNeverAfterEnd() throws Exception {
    var none = console("none", false);
    assertEquals("body part\nend\n", none.body());
    assertTrue(none.headers().firstValue("x-haiku-console").isEmpty());

    var body = console("body", false);
    assertEquals(200, body.statusCode());
    assertEquals("before head\nafter head mode hidden\n", body.body());

    var header = console("header", true);
    assertEquals("body part\nend\n", header.body());
    assertEquals("before head%0A", header.headers().firstValue("x-haiku-console").orElse(null));

    // Trailers are invisible to java.net.http: read the chunked response off the socket.
    URI uri = URI.create(gateway);
    String raw;
    try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      String request =
          "GET /c HTTP/1.1\r\nHost: renga\r\nConnection: close\r\nx-haiku-console: trailer\r\n"
              + "x-haiku-handler: " + fixtures.url("console-modes.js") + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    String lower = raw.toLowerCase(java.util.Locale.ROOT);
    assertTrue(lower.contains("transfer-encoding: chunked"), raw);
    assertTrue(lower.contains("trailer: x-haiku-console"), raw);
    assertTrue(
        raw.contains("\r\n0\r\nx-haiku-console: before head%0Aafter head mode hidden%0A\r\n"), raw);
  }

  /** The response to haiku-http's console sample, read off the socket (trailers included), for one console mode. */
  private static String haikuConsole(String mode) throws Exception {
    URI uri = URI.create(gateway);
    String query = "x-haiku-handler=" + java.net.URLEncoder.encode(fixtures.url("haiku-console.js"), StandardCharsets.UTF_8)
        + (mode == null ? "" : "&x-haiku-console=" + mode);
    try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(
          ("GET /?" + query + " HTTP/1.1\r\nHost: renga\r\nConnection: close\r\nTE: trailers\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The body of a raw HTTP/1.1 response, de-chunked when it is chunked. */
  private static String rawBody(String raw) {
    String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
    if (!raw.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
      return body;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = body.indexOf("\r\n", at);
      int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(body, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }

  @Test
  void haikuHttpsOwnConsoleTestsPassVerbatim() throws Exception {
    String plain = haikuConsole(null);
    assertTrue(plain.startsWith("HTTP/1.1 200"), plain);
    assertEquals("Hello, world!\n", rawBody(plain));

    String body = haikuConsole("body");
    assertTrue(body.startsWith("HTTP/1.1 200"), body);
    assertEquals("Before writeHead\nAfter writeHead and before write\nAfter write and before end\n", rawBody(body));

    String header = haikuConsole("header");
    assertTrue(header.startsWith("HTTP/1.1 200"), header);
    assertTrue(header.contains("\r\nx-haiku-console: Before writeHead%0A\r\n"), header);
    assertEquals("Hello, world!\n", rawBody(header));

    String trailer = haikuConsole("trailer");
    assertTrue(trailer.startsWith("HTTP/1.1 200"), trailer);
    assertTrue(trailer.toLowerCase(java.util.Locale.ROOT).contains("\r\ntrailer: x-haiku-console\r\n"), trailer);
    assertTrue(trailer.endsWith("\r\n0\r\nx-haiku-console: "
        + "Before writeHead%0AAfter writeHead and before write%0AAfter write and before end%0A\r\n\r\n"), trailer);
    assertEquals("Hello, world!\n", rawBody(trailer));
  }

  @Test
  void infiniteLoopGetsTimeoutWhileHelloKeepsAnswering() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> loop =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create(gateway + "/")).header("x-haiku-handler", fixtures.url("loop.js")).build(),
            HttpResponse.BodyHandlers.ofString());
    List<Integer> hello = new ArrayList<>();
    while (!loop.isDone() && hello.size() < 200) {
      hello.add(call("hello.js").statusCode());
    }
    var response = loop.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertError(response, ErrorCode.TIMEOUT);
    assertTrue(response.body().contains("time limit of " + REQUEST_TIMEOUT.toMillis() + "ms"), response.body());
    assertTrue(took.compareTo(REQUEST_TIMEOUT.plusSeconds(3)) < 0, "loop answered after " + took);
    assertFalse(hello.isEmpty());
    assertTrue(hello.stream().allMatch(status -> status == 200), hello.toString());
  }
}
