package dev.renga.e2e.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.core.ErrorCode;
import dev.renga.e2e.RengaProcesses;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What clients and handlers get wrong, sent end to end through one gateway and one node JVM (default limits:
 * renga.gateway.max-body 1 MiB, renga.handlers.max-size 4 MiB, renga.sandbox.max-response-size 1 MiB). Each case
 * checks the status and x-renga-error code, and after each the node must still answer a hello request.
 */
class BadInputEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int MAX_BODY = 1024 * 1024;
  private static final int MAX_HANDLER = 4 * 1024 * 1024;
  private static ConformanceServer server;
  private static OneGatewayOneNode renga;

  @BeforeAll
  static void start() {
    server = new ConformanceServer();
    renga = new OneGatewayOneNode("bad-input", Map.of(), Map.of());
  }

  @AfterAll
  static void stop() {
    if (renga != null) {
      renga.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void nodeKeepsServing() {
    var hello = call(fixture("hello.js"));
    assertEquals(200, hello.status(), "hello after the case: " + hello);
    assertEquals("hello", hello.text());
  }

  private static String fixture(String name) {
    return server.fixtureUrl("bad-input/" + name);
  }

  private static RawHttp.Response send(RawHttp.Request request) {
    return RawHttp.send(renga.httpPort, request, TIMEOUT);
  }

  private static RawHttp.Response call(String handlerUrl) {
    return send(RawHttp.Request.get("/bad", List.of(new RawHttp.Header("x-haiku-handler", handlerUrl))));
  }

  private static RawHttp.Response post(String handlerUrl, byte[] body, boolean chunked) {
    return send(new RawHttp.Request("POST", "/bad", List.of(new RawHttp.Header("x-haiku-handler", handlerUrl)), body, chunked));
  }

  /** A Renga error: status and code from the contract, a text/plain body naming the code. */
  private static void assertError(ErrorCode code, RawHttp.Response response) {
    assertEquals(code.status(), response.status(), response.toString());
    assertEquals(List.of(code.code()), response.values(ErrorCode.HEADER), response.toString());
    assertTrue(response.header("content-type").orElse("").startsWith("text/plain"), response.toString());
    assertTrue(response.text().startsWith(code.code() + ": "), response.toString());
  }

  /** A response the handler wrote: no x-renga-error, whole. */
  private static void assertHandlerAnswer(int status, RawHttp.Response response) {
    assertEquals(status, response.status(), response.toString());
    assertEquals(List.of(), response.values(ErrorCode.HEADER), response.toString());
    assertNull(response.failure(), response.toString());
  }

  /** A clean refusal: a complete 4xx response in time, not a reset connection or a hang. */
  private static void assertClean4xx(Set<Integer> allowed, RawHttp.Response response) {
    System.out.println("observed: " + response.status() + " " + response.reason() + " x-renga-error=" + response.values(ErrorCode.HEADER)
        + " body=" + RawHttp.abbreviate(response.text()).replace("\n", " ") + " in " + response.millis() + " ms");
    assertTrue(allowed.contains(response.status()), "expected one of " + allowed + ": " + response);
    assertNull(response.failure(), response.toString());
    assertEquals(1, response.values(ErrorCode.HEADER).size(), "every error Renga produces has x-renga-error: " + response);
    assertTrue(response.millis() < 10_000, "answered after " + response.millis() + " ms");
  }

  // --- handler URLs ---------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "example.com/hello.js",
        "127.0.0.1/hello.js",
        "//127.0.0.1/hello.js",
        "ftp://127.0.0.1/hello.js",
        "file:///etc/passwd",
        "javascript:res.end('x')",
        "data:text/javascript,res.end('x')",
        "http://127.0.0.1/has space.js",
        "http://[::1",
        "http://",
        "http:///no-host.js",
      })
  void malformedHandlerUrlGetsHandlerUrlInvalid(String url) {
    assertError(ErrorCode.HANDLER_URL_INVALID, call(url));
  }

  // A port above 65535 makes the URL invalid (WHATWG URL parsing fails), not a failed fetch.
  @Test
  void handlerUrlWithPortOutOfRangeGetsHandlerUrlInvalid() {
    assertError(ErrorCode.HANDLER_URL_INVALID, call("http://127.0.0.1:99999/port-out-of-range.js"));
  }

  @Test
  void malformedHandlerUrlInTheQueryGetsHandlerUrlInvalid() {
    String query = "?x-haiku-handler=" + URLEncoder.encode("ftp://127.0.0.1/hello.js", StandardCharsets.UTF_8);
    assertError(ErrorCode.HANDLER_URL_INVALID, send(RawHttp.Request.get("/bad" + query, List.of())));
  }

  // The contract has no URL length limit. A 10 KB URL is well-formed; what a user expects is a prompt, coded 4xx
  // (handler-url-invalid: too long for a handler URL): DESIGN §6 says every error Renga produces has x-renga-error.
  @Test
  void tenKilobyteHandlerUrlGetsHandlerUrlInvalid() {
    assertError(ErrorCode.HANDLER_URL_INVALID, call(server.base() + "/conformance/" + "a".repeat(10_000) + ".js"));
  }

  @Test
  void tenKilobyteHandlerUrlGetsAtLeastACleanClientError() {
    assertClean4xx(Set.of(400, 414, 431), call(server.base() + "/conformance/" + "a".repeat(10_000) + ".js"));
  }

  @Test
  void missingHandlerGetsHandlerMissing() {
    assertError(ErrorCode.HANDLER_MISSING, send(RawHttp.Request.get("/bad", List.of())));
  }

  @Test
  void emptyHandlerHeaderGetsHandlerMissing() {
    assertError(ErrorCode.HANDLER_MISSING, call(""));
    assertError(ErrorCode.HANDLER_MISSING, call("   "));
  }

  @Test
  void emptyHandlerQueryParameterGetsHandlerMissing() {
    assertError(ErrorCode.HANDLER_MISSING, send(RawHttp.Request.get("/bad?x-haiku-handler=", List.of())));
  }

  // The contract is silent: a 64 KiB URL is over any HTTP server's header or URI limit; any clean 4xx will do.
  @Test
  void hugeHandlerUrlInTheHeaderGetsACleanClientError() {
    assertClean4xx(Set.of(400, 414, 431), call(server.base() + "/" + "a".repeat(64 * 1024) + ".js"));
  }

  @Test
  void hugeHandlerUrlInTheQueryGetsACleanClientError() {
    String url = server.base() + "/" + "a".repeat(64 * 1024) + ".js";
    String query = "?x-haiku-handler=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
    assertClean4xx(Set.of(400, 414, 431), send(RawHttp.Request.get("/bad" + query, List.of())));
  }

  // --- request headers and bodies -------------------------------------------------------------------------------

  // Silent in the contract: 64 KiB of headers may be served or refused with 431, but must be answered cleanly.
  @Test
  void oneHeaderOf64KibIsServedOrRefusedCleanly() {
    var response =
        send(
            RawHttp.Request.get(
                "/bad",
                List.of(new RawHttp.Header("x-haiku-handler", fixture("hello.js")), new RawHttp.Header("x-big", "b".repeat(64 * 1024)))));
    assertClean4xxOrHello(response);
  }

  @Test
  void sixtyFourHeadersOf1KibAreServedOrRefusedCleanly() {
    List<RawHttp.Header> headers = new ArrayList<>();
    headers.add(new RawHttp.Header("x-haiku-handler", fixture("hello.js")));
    for (int i = 0; i < 64; i++) {
      headers.add(new RawHttp.Header("x-filler-" + i, "f".repeat(1024)));
    }
    assertClean4xxOrHello(send(RawHttp.Request.get("/bad", headers)));
  }

  private static void assertClean4xxOrHello(RawHttp.Response response) {
    System.out.println("observed: " + response.status() + " " + response.reason() + " for a served-or-refused case");
    if (response.status() == 200) {
      assertEquals("hello", response.text());
    } else {
      assertClean4xx(Set.of(400, 431), response);
    }
  }

  @Test
  void bodyOverMaxBodyWithContentLengthGetsBodyTooLarge() {
    assertError(ErrorCode.BODY_TOO_LARGE, post(fixture("body-report.js"), new byte[MAX_BODY + 1], false));
  }

  @Test
  void chunkedBodyOverMaxBodyGetsBodyTooLarge() {
    assertError(ErrorCode.BODY_TOO_LARGE, post(fixture("body-report.js"), new byte[2 * MAX_BODY], true));
  }

  @Test
  void bodyOfExactlyMaxBodyIsServed() {
    var response = post(fixture("body-report.js"), "z".repeat(MAX_BODY).getBytes(StandardCharsets.US_ASCII), true);
    assertHandlerAnswer(200, response);
    assertTrue(response.text().contains("\"bytes\":" + MAX_BODY), response.toString());
  }

  // Silent in the contract: req.text() decodes as UTF-8, so invalid bytes become U+FFFD, as in Node and browsers;
  // the raw bytes stay available to arrayBuffer().
  @Test
  void invalidUtf8BodyReadAsTextGetsReplacementCharacters() {
    byte[] body = {'a', (byte) 0xff, (byte) 0xfe, 'b', (byte) 0xc3};
    var response = post(fixture("body-report.js"), body, false);
    assertHandlerAnswer(200, response);
    assertTrue(response.text().contains("\"replacement\":true"), response.toString());
    assertTrue(response.text().contains("\"bytes\":5"), response.toString());
  }

  @Test
  void invalidJsonBodyUncaughtGetsException() {
    var response = post(fixture("json-uncaught.js"), "{\"a\":".getBytes(StandardCharsets.UTF_8), false);
    assertError(ErrorCode.EXCEPTION, response);
    assertTrue(response.text().contains("SyntaxError"), response.toString());
  }

  // --- handler code ---------------------------------------------------------------------------------------------

  @Test
  void handlerOverMaxSizeGetsHandlerTooLarge() {
    assertError(ErrorCode.HANDLER_TOO_LARGE, call(server.base() + "/generated/big.js?bytes=" + (MAX_HANDLER + 1)));
  }

  @Test
  void handlerOfExactlyMaxSizeRuns() {
    var response = call(server.base() + "/generated/big.js?bytes=" + MAX_HANDLER);
    assertHandlerAnswer(200, response);
    assertEquals("big", response.text());
  }

  @Test
  void handlerThatIsNotThereGetsHandlerFetchFailed() {
    assertError(ErrorCode.HANDLER_FETCH_FAILED, call(fixture("not-there.js")));
  }

  @Test
  void handlerOnAClosedPortGetsHandlerFetchFailed() {
    assertError(ErrorCode.HANDLER_FETCH_FAILED, call("http://127.0.0.1:" + RengaProcesses.freePort() + "/hello.js"));
  }

  @Test
  void syntaxErrorGetsCompileErrorWithTheLine() {
    var response = call(fixture("syntax-error.js"));
    assertError(ErrorCode.COMPILE_ERROR, response);
    assertTrue(response.text().contains("syntax-error.js:3"), response.toString());
  }

  @Test
  void plainTextAsHandlerGetsCompileError() {
    assertError(ErrorCode.COMPILE_ERROR, call(server.base() + "/upstream/text"));
  }

  // --- what handlers do wrong -----------------------------------------------------------------------------------

  // The response was complete when write threw: the client gets it whole, without an error.
  @Test
  void writeAfterEndKeepsTheResponseThatEnded() {
    var response = call(fixture("write-after-end.js"));
    assertHandlerAnswer(200, response);
    assertEquals("done", response.text());
  }

  // Silent in the contract: a second writeHead throws (as in Node, ERR_HTTP_HEADERS_SENT); uncaught, 500 exception.
  @Test
  void writeHeadTwiceGetsException() {
    var response = call(fixture("write-head-twice.js"));
    assertError(ErrorCode.EXCEPTION, response);
    assertTrue(response.text().contains("Cannot write headers"), response.toString());
  }

  // Silent in the contract: as in Node, values are sent as String(value), arrays as one header per element.
  @Test
  void nonStringHeaderValuesAreSentAsStrings() {
    var response = call(fixture("header-values.js"));
    assertHandlerAnswer(200, response);
    assertEquals(List.of("42"), response.values("x-number"));
    assertEquals(List.of("1.5"), response.values("x-float"));
    assertEquals(List.of("true"), response.values("x-boolean"));
    assertEquals(List.of("1", "two"), response.values("x-array"));
    assertEquals(List.of("[object Object]"), response.values("x-object"));
    assertEquals(List.of("7"), response.values("x-head-number"));
  }

  // Silent in the contract: Node's setHeader throws a TypeError for an undefined value rather than send "undefined".
  @Test
  void undefinedHeaderValueThrowsTypeError() {
    var response = call(fixture("header-value-undefined.js"));
    assertHandlerAnswer(200, response);
    assertTrue(response.text().startsWith("undefined:TypeError"), response.toString());
    assertEquals(List.of(), response.values("x-undefined"), response.toString());
  }

  @Test
  void tenThousandTinyWritesMakeOneBody() {
    var response = call(fixture("many-writes.js"));
    assertHandlerAnswer(200, response);
    assertEquals("x".repeat(10_000), response.text());
    assertTrue(response.millis() < 5_000, "took " + response.millis() + " ms");
  }

  @Test
  void responseOverMaxResponseSizeGetsException() {
    assertError(ErrorCode.EXCEPTION, call(fixture("response-too-large.js")));
  }

  @Test
  void responseOverMaxResponseSizeInManyWritesGetsException() {
    assertError(ErrorCode.EXCEPTION, call(fixture("response-too-large-writes.js")));
  }

  // Whatever the handler does, it must never add a header of its own making through CR/LF in a name or value.
  @Test
  void handlerCannotInjectResponseHeaders() {
    for (String name : List.of("invalid-header-names.js", "injected-header-value.js")) {
      var response = call(fixture(name));
      assertTrue(response.status() == 200 || response.status() == 500, response.toString());
      assertEquals(List.of(), response.values("Injected-Name"), response.toString());
      assertEquals(List.of(), response.values("Injected-Value"), response.toString());
    }
  }

  // Silent in the contract: as in Node, setHeader throws a TypeError for a name that is not an HTTP token and for a
  // value with CR, LF or NUL (a non-ASCII name is not a token either).
  @Test
  void invalidHeaderNamesAndValuesThrowTypeError() {
    var response = call(fixture("invalid-header-names.js"));
    assertHandlerAnswer(200, response);
    assertEquals(
        "\"bad header\":TypeError|\"x-a\\r\\nInjected-Name\":TypeError|\"x-b\":TypeError|\"\":TypeError|\"x-é\":TypeError|\"x-c\":TypeError",
        response.text(),
        response.toString());
  }

  // Following from the above: uncaught, the TypeError ends the request with 500 exception.
  @Test
  void invalidHeaderNameUncaughtGetsException() {
    assertError(ErrorCode.EXCEPTION, call(fixture("invalid-header-uncaught.js")));
  }

  @Test
  void headerValueWithCrLfUncaughtGetsException() {
    assertError(ErrorCode.EXCEPTION, call(fixture("injected-header-value.js")));
  }

  // Silent in the contract: writeHead refuses a status outside 100-999 with a RangeError; a statusCode set directly
  // must not get further (Node throws ERR_HTTP_INVALID_STATUS_CODE when the response is sent): 500 exception.
  @ParameterizedTest(name = "status {0}")
  @ValueSource(strings = {"99", "1000", "0"})
  void invalidStatusCodeGetsException(String status) {
    assertError(
        ErrorCode.EXCEPTION, send(RawHttp.Request.get("/bad?s=" + status, List.of(new RawHttp.Header("x-haiku-handler", fixture("invalid-status.js"))))));
  }

  @Test
  void statusCodeThatIsNotANumberGetsException() {
    String status = "abc";
    assertError(
        ErrorCode.EXCEPTION, send(RawHttp.Request.get("/bad?s=" + status, List.of(new RawHttp.Header("x-haiku-handler", fixture("invalid-status.js"))))));
  }

  // --- odd requests ---------------------------------------------------------------------------------------------

  // DESIGN §4 says ANY method; PURGE and PROPFIND are in Node's http.METHODS, so a user expects the handler to run.
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PATCH", "OPTIONS", "DELETE", "PUT"})
  void otherMethodsReachTheHandler(String method) {
    var response = send(new RawHttp.Request(method, "/bad", List.of(new RawHttp.Header("x-haiku-handler", fixture("hello.js"))), null, false));
    assertHandlerAnswer(200, response);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PURGE", "PROPFIND"})
  void methodsNodeKnowsReachTheHandler(String method) {
    var response = send(new RawHttp.Request(method, "/bad", List.of(new RawHttp.Header("x-haiku-handler", fixture("hello.js"))), null, false));
    assertHandlerAnswer(200, response);
  }

  @Test
  void methodNobodyKnowsGets501RequestInvalid() {
    var response = send(new RawHttp.Request("FROBNICATE", "/bad", List.of(new RawHttp.Header("x-haiku-handler", fixture("hello.js"))), null, false));
    assertEquals(501, response.status(), response.toString());
    assertEquals(List.of(ErrorCode.REQUEST_INVALID.code()), response.values(ErrorCode.HEADER));
    assertTrue(response.text().startsWith("request-invalid: "), response.text());
  }

  @Test
  void invalidPercentEncodingInThePathIsServedOrRefusedCleanly() {
    var response = send(RawHttp.Request.get("/bad/%zz?q=%", List.of(new RawHttp.Header("x-haiku-handler", fixture("hello.js")))));
    assertClean4xxOrHello(response);
  }
}
