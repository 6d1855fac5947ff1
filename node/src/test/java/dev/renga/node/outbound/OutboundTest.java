package dev.renga.node.outbound;

import dev.renga.node.testing.TestIsolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.Header;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.node.NodeGuardian;
import dev.renga.node.RequestActor;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.fetch.NetworkPolicy;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import dev.renga.node.testing.FixtureServer;
import dev.renga.node.testing.SlowNames;
import dev.renga.node.testing.UpstreamServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** fetch and the http client in handlers, end to end through a RequestActor, against a local upstream. */
@ExtendWith(LogCapturingExtension.class)
class OutboundTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** One JS thread: a handler waiting on I/O must not hold it. */
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          RengaConfig.withDefaults(
              ConfigFactory.parseString(
                  """
                  pekko.actor.provider = local
                  renga.node.js-threads = 1
                  renga.sandbox.outbound {
                    max-requests = 5
                    max-response-size = 64k
                    timeout = 3s
                    max-redirects = 3
                  }
                  """)));
  private static final FixtureServer fixtures = new FixtureServer();
  private static final UpstreamServer upstream = new UpstreamServer();
  private static final JsEngine engine = TestIsolation.engine(0);
  private static final RunningTurns turns = new RunningTurns();

  static {
    engine.warmUp(5);
  }

  /** The first connection of a JVM loads Pekko HTTP's client: make it before the timed tests. */
  @BeforeAll
  static void warmUpTheClient() {
    long start = System.nanoTime();
    try {
      OutboundClient.get(testKit.system())
          .send(
              new OutboundRequest("GET", URI.create(upstream.base() + "/text"), List.of(), new byte[0],
                  OutboundRequest.Redirect.FOLLOW),
              new NetworkPolicy(true),
              new AtomicLong())
          .result()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Only a warm-up: on a loaded machine even this may time out.
    }
    System.out.println("first outbound request took " + (System.nanoTime() - start) / 1_000_000 + " ms");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    fixtures.close();
    upstream.close();
    engine.close();
  }

  /** Handler URLs are always fetched from loopback; outbound requests follow {@code allowPrivate}. */
  private static Sandbox sandbox(boolean allowPrivate) {
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    return new Sandbox(
        engine,
        new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true), testKit.system()),
        new SandboxSettings(TIMEOUT, Duration.ofSeconds(5), 512L * 1024 * 1024, 1024 * 1024, allowPrivate, false),
        turns,
        blocking);
  }

  private static TestProbe<NodeProtocol.Reply> start(String fixture, String query, boolean allowPrivate) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    var invocation =
        new Invocation(
            "outbound-" + System.nanoTime(),
            fixtures.url("outbound/" + fixture),
            "GET",
            "/path?" + query,
            "1.1",
            List.of(new Header("host", "example")),
            new byte[0]);
    testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox(allowPrivate)), NodeGuardian.JS_DISPATCHER);
    return probe;
  }

  private static NodeProtocol.Reply run(String fixture, String query, boolean allowPrivate) {
    var probe = start(fixture, query, allowPrivate);
    NodeProtocol.Reply reply = probe.receiveMessage(TIMEOUT.plusSeconds(5));
    probe.expectNoMessage(Duration.ofMillis(20));
    return reply;
  }

  private static String body(String fixture, String query) {
    return body(fixture, query, true);
  }

  private static String body(String fixture, String query, boolean allowPrivate) {
    var reply = run(fixture, query, allowPrivate);
    var completed = assertInstanceOf(NodeProtocol.Completed.class, reply, () -> "expected a response, got " + reply);
    return new String(completed.body(), StandardCharsets.UTF_8);
  }

  private static NodeProtocol.Failed failed(NodeProtocol.Reply reply, ErrorCode code) {
    var failed = assertInstanceOf(NodeProtocol.Failed.class, reply, () -> "expected " + code + ", got " + reply);
    assertEquals(code, failed.error().code(), failed.error().cause());
    return failed;
  }

  private static String q(String name, String value) {
    return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), () -> "expected " + part + " in " + text);
    }
  }

  @Test
  void fetchReadsTextJsonAndArrayBufferWithStatusAndHeaders() {
    String json = body("fetch-bodies.js", q("upstream", upstream.base()));
    assertContains(
        json,
        "\"status\":200",
        "\"ok\":true",
        "\"statusText\":\"OK\"",
        "\"contentType\":\"text/plain; charset=UTF-8\"",
        "\"upstreamHeader\":\"yes\"",
        "\"missing\":null",
        "\"url\":\"" + upstream.base() + "/text\"",
        "\"redirected\":false",
        "\"text\":\"hello from upstream\"",
        "\"bodyUsed\":true",
        "\"json\":{\"a\":1,\"list\":[1,2,3],\"s\":\"\u00e9\"}",
        "\"isArrayBuffer\":true",
        "\"length\":256",
        "\"first\":0",
        "\"last\":255");
  }

  @Test
  void fetchSendsMethodHeadersAndStringOrByteBodies() {
    String json = body("fetch-send.js", q("upstream", upstream.base()));
    // "héllo" in UTF-8, base64; then bytes 1,2,3,250; then "hi".
    assertContains(
        json,
        "\"method\":\"POST\",\"path\":\"/echo?q=1\"",
        "\"content-type\":\"text/x-test\"",
        "\"x-custom\":\"one\"",
        "\"body\":\"aMOpbGxv\"",
        "\"method\":\"PUT\"",
        "\"x-list\":\"a, b\"",
        "\"body\":\"AQID+g==\"",
        "\"method\":\"PATCH\"",
        "\"authorization\":\"Bearer t\"",
        "\"content-type\":\"application/json\"",
        "\"body\":\"aGk=\"",
        "\"method\":\"GET\"",
        "\"user-agent\":\"renga\"",
        "\"rejected\":\"TypeError: Request with GET/HEAD method cannot have body.\"");
  }

  @Test
  void redirectsAreFollowedUpToTheLimitAndOneMoreFails() {
    String followed = body("fetch-report.js", q("url", upstream.base() + "/redirect/3"));
    assertContains(followed, "\"status\":200", "\"redirected\":true", "\"url\":\"" + upstream.base() + "/text\"",
        "\"text\":\"hello from upstream\"");
    String tooMany = body("fetch-report.js", q("url", upstream.base() + "/redirect/4"));
    assertContains(tooMany, "\"code\":\"ERR_REDIRECT\"", "more than 3 redirects", "\"isTypeError\":true");
  }

  @Test
  void manualRedirectReturnsTheRedirectItself() {
    String manual = body("fetch-report.js", q("url", upstream.base() + "/redirect/1") + "&redirect=manual");
    assertContains(manual, "\"status\":302", "\"redirected\":false", "\"location\":\"/text\"");
    String error = body("fetch-report.js", q("url", upstream.base() + "/redirect/1") + "&redirect=error");
    assertContains(error, "\"code\":\"ERR_REDIRECT\"");
  }

  @Test
  void httpGetAndRequestEmitResponseDataAndEndEvents() {
    String json = body("http-client.js", q("upstream", upstream.base()));
    assertContains(
        json,
        "\"events\":[\"response 200 text/plain; charset=UTF-8\",\"data string\",\"end\"]",
        "\"body\":\"hello from upstream\"",
        "\"status\":200,\"isBytes\":true",
        "\"method\":\"POST\",\"path\":\"/echo?via=request\"",
        "\"x-node\":\"yes\"",
        "\"body\":\"eyJhIjoxfQ==\"",
        "\"httpsRefused\":\"ERR_INVALID_PROTOCOL\"",
        "\"same\":true");
  }

  @Test
  void loopbackIsDeniedBeforeConnectingWhenPrivateNetworksAreNotAllowed() {
    int before = upstream.hits();
    String json = body("fetch-report.js", q("url", upstream.base() + "/text"), false);
    assertContains(json, "\"code\":\"ERR_NETWORK_POLICY\"", "forbidden by network policy", "127.0.0.1",
        "\"name\":\"TypeError\"");
    String byName = body("fetch-report.js", q("url", upstream.base().replace("127.0.0.1", "localhost") + "/text"), false);
    assertContains(byName, "\"code\":\"ERR_NETWORK_POLICY\"", "localhost");
    assertEquals(before, upstream.hits(), "no request may reach a denied address");
  }

  @Test
  void httpsToAServerThatDoesNotSpeakTlsFailsInTheHandshake() throws Exception {
    try (ServerSocket plain = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket client = plain.accept()) {
          client.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // the test fails on its own
        }
      });
      String json = body("fetch-report.js", q("url", "https://127.0.0.1:" + plain.getLocalPort() + "/"));
      assertContains(json, "\"code\":\"ECONNREFUSED\"", "\"isTypeError\":true");
    }
  }

  @Test
  void metadataAndLinkLocalAddressesAreAlwaysDenied() {
    for (String url :
        List.of(
            "http://169.254.169.254/latest/meta-data/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://[fd00:ec2::254]/latest/meta-data/",
            "http://[fe80::1]:8080/",
            "http://169.254.1.1/")) {
      String json = body("fetch-report.js", q("url", url));
      assertContains(json, "\"code\":\"ERR_NETWORK_POLICY\"", "forbidden by network policy");
    }
  }

  @Test
  void redirectFromAnAllowedToADeniedAddressIsDenied() {
    String json =
        body("fetch-report.js", q("url", upstream.base() + "/redirect-to?" + q("url", "http://169.254.169.254/latest/")));
    assertContains(json, "\"code\":\"ERR_NETWORK_POLICY\"", "169.254.169.254");
  }

  @Test
  void uncaughtPolicyDenialGets500ExceptionNamingThePolicy() {
    String cause =
        failed(run("fetch-uncaught.js", q("url", "http://169.254.169.254/"), true), ErrorCode.EXCEPTION).error().cause();
    assertContains(cause, "TypeError", "forbidden by network policy");
  }

  @Test
  void uncaughtHttpErrorEventGets500Exception() {
    String caught = body("http-error.js", q("url", "http://169.254.169.254/"));
    assertContains(caught, "\"code\":\"ERR_NETWORK_POLICY\"");
    String cause =
        failed(run("http-error.js", q("url", "http://169.254.169.254/") + "&listen=no", true), ErrorCode.EXCEPTION)
            .error()
            .cause();
    assertContains(cause, "forbidden by network policy");
  }

  @Test
  void requestsBeyondTheCountLimitAreRejected() {
    String json = body("fetch-many.js", q("url", upstream.base() + "/text") + "&n=6");
    assertContains(json, "[200,200,200,200,200,\"ERR_OUTBOUND_LIMIT: more than 5 outbound requests");
  }

  @Test
  void responsesBeyondTheSizeBudgetAreRejected() {
    String oneTooBig = body("fetch-report.js", q("url", upstream.base() + "/big?size=70000"));
    assertContains(oneTooBig, "\"code\":\"ERR_RESPONSE_TOO_LARGE\"", "max-response-size");
    // 40 KB fits the 64 KiB budget once, not twice: the budget covers the whole invocation.
    String twice = body("fetch-many.js", q("url", upstream.base() + "/big?size=40000") + "&n=2");
    assertContains(twice, "[200,\"ERR_RESPONSE_TOO_LARGE");
  }

  @Test
  void aPendingFetchKeepsTheHandlerAliveInsteadOfNoResponse() {
    assertEquals("later: hello from upstream", body("fetch-then.js", q("url", upstream.base() + "/text")));
  }

  @Test
  void waitingOnASlowUpstreamHoldsNoJsThreadAndIsNotChargedCpu() throws Exception {
    CompletableFuture<Void> held = upstream.held();
    var slow = start("fetch-report.js", q("url", upstream.base() + "/hold"), true);
    held.get(5, TimeUnit.SECONDS);
    // No turn runs while the fetch is pending: CPU is charged only inside turns.
    slow.awaitAssert(() -> {
      assertTrue(turns.running().isEmpty(), "a turn is running while the handler waits");
      return null;
    });
    // The only JS thread is free: another request completes while the first still waits.
    assertEquals("Hello, world!\n", body("hello.js", ""));
    // Its reply leaves within its last turn; the turn itself ends a moment later.
    slow.awaitAssert(() -> {
      assertTrue(turns.running().isEmpty());
      return null;
    });
    slow.expectNoMessage(Duration.ZERO);
    upstream.release();
    var reply = slow.receiveMessage(Duration.ofSeconds(5));
    String json = new String(assertInstanceOf(NodeProtocol.Completed.class, reply).body(), StandardCharsets.UTF_8);
    assertContains(json, "\"text\":\"released\"");
  }

  @Test
  void nameServerThatNeverAnswersDelaysNoTimeLimit() {
    var probe = testKit.<NodeProtocol.Reply>createTestProbe();
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    Duration limit = Duration.ofMillis(1500);
    var sandbox =
        new Sandbox(
            engine,
            new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true), testKit.system()),
            new SandboxSettings(limit, Duration.ofSeconds(5), 512L * 1024 * 1024, 1024 * 1024, true, false),
            turns,
            blocking);
    var invocation =
        new Invocation("slow-dns", fixtures.url("outbound/slow-names-then-spins.js"), "GET", "/", "1.1", List.of(), new byte[0]);
    try {
      testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox), NodeGuardian.JS_DISPATCHER);
      // Five look-ups hang (more than renga-blocking-dispatcher has threads), and the handler spins meanwhile.
      probe.awaitAssert(Duration.ofSeconds(5), () -> {
        assertEquals(5, SlowNames.waiting());
        return null;
      });
      var reply = probe.expectMessageClass(NodeProtocol.Failed.class, limit.plusSeconds(3));
      assertEquals(ErrorCode.TIMEOUT, reply.error().code(), reply.toString());
    } finally {
      SlowNames.release();
    }
  }

  /** A server that reads a request and never answers; completes when the client closes the connection. */
  private record BlackHole(
      ServerSocket socket, CompletableFuture<Boolean> accepted, CompletableFuture<Boolean> closedByClient)
      implements AutoCloseable {
    static BlackHole open() throws IOException {
      ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
      CompletableFuture<Boolean> accepted = new CompletableFuture<>();
      CompletableFuture<Boolean> closed = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (Socket client = socket.accept(); InputStream in = client.getInputStream()) {
          accepted.complete(true);
          while (in.read() != -1) {
            // read the request, answer nothing
          }
          closed.complete(true);
        } catch (IOException e) {
          closed.complete(true);
        }
      });
      return new BlackHole(socket, accepted, closed);
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/never";
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aPendingFetchIsAbortedWhenTheRequestTimesOut() throws Exception {
    try (BlackHole hole = BlackHole.open()) {
      TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
      var invocation =
          new Invocation("outbound-timeout", fixtures.url("outbound/fetch-uncaught.js"), "GET", "/?" + q("url", hole.url()),
              "1.1", List.of(), new byte[0]);
      var sandbox = sandbox(true);
      var shortDeadline =
          new Sandbox(sandbox.engine(), sandbox.fetcher(),
              new SandboxSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 512L * 1024 * 1024, 1024 * 1024, true, false),
              sandbox.turns(), sandbox.blocking());
      testKit.spawn(RequestActor.create(invocation, probe.getRef(), shortDeadline), NodeGuardian.JS_DISPATCHER);
      assertTrue(hole.accepted().get(5, TimeUnit.SECONDS));
      failed(probe.receiveMessage(Duration.ofSeconds(5)), ErrorCode.TIMEOUT);
      assertTrue(hole.closedByClient().get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void aPendingFetchIsAbortedWhenTheResponseEnds() throws Exception {
    try (BlackHole hole = BlackHole.open()) {
      CompletableFuture<Void> held = upstream.held();
      var probe = start("fetch-then-end.js", q("url", hole.url()) + "&" + q("gate", upstream.base() + "/hold"), true);
      assertTrue(hole.accepted().get(5, TimeUnit.SECONDS));
      held.get(5, TimeUnit.SECONDS);
      upstream.release();
      var completed = assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(5)));
      assertEquals("ended", new String(completed.body(), StandardCharsets.UTF_8));
      assertTrue(hole.closedByClient().get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void anUpstreamSlowerThanTheOutboundTimeoutFailsTheFetch() throws Exception {
    try (BlackHole hole = BlackHole.open()) {
      // The outbound timeout (3 s) is shorter than the request's (10 s), so the fetch fails first.
      String cause = failed(run("fetch-uncaught.js", q("url", hole.url()), true), ErrorCode.EXCEPTION).error().cause();
      assertContains(cause, "renga.sandbox.outbound.timeout");
      assertTrue(hole.closedByClient().get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void fetchProxySampleReturnsTheUpstreamBodyOrABadGateway() {
    String sample = upstream.base() + "/samples/fetch-proxy.js";
    var proxied = assertInstanceOf(NodeProtocol.Completed.class, runUrl(sample, q("url", upstream.base() + "/text")));
    assertEquals(200, proxied.status());
    assertEquals("hello from upstream", new String(proxied.body(), StandardCharsets.UTF_8));
    var denied = assertInstanceOf(NodeProtocol.Completed.class, runUrl(sample, q("url", "http://169.254.169.254/")));
    assertEquals(502, denied.status());
    assertContains(new String(denied.body(), StandardCharsets.UTF_8), "forbidden by network policy");
  }

  private static NodeProtocol.Reply runUrl(String handlerUrl, String query) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    var invocation = new Invocation("sample-" + System.nanoTime(), handlerUrl, "GET", "/?" + query, "1.1", List.of(), new byte[0]);
    testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox(true)), NodeGuardian.JS_DISPATCHER);
    return probe.receiveMessage(TIMEOUT.plusSeconds(5));
  }

  @Test
  void fetchesOfOneInvocationReuseOneKeepAliveConnection() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      String json = body("fetch-many.js", q("url", server.base() + "/") + "&n=5");
      assertEquals("[200,200,200,200,200]", json);
      assertEquals(1, server.accepted());
    }
  }

  @Test
  void destroyAndAbortSignalAbortPendingRequests() {
    // Not aborted, the fetch would fail with ETIMEDOUT after the outbound timeout.
    String json = body("aborts.js", q("url", upstream.base() + "/slow?ms=10000"));
    assertEquals("{\"events\":[\"close\"],\"fetched\":\"AbortError ABORT_ERR\"}", json);
  }
}
