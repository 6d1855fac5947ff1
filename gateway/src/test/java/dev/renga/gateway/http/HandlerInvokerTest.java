package dev.renga.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import dev.renga.core.Header;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.gateway.GatewaySettings;
import dev.renga.gateway.routing.InFlightInvocations;
import dev.renga.gateway.routing.Invocations;
import dev.renga.gateway.routing.NodeRouter;
import dev.renga.gateway.routing.Quarantine;
import dev.renga.gateway.routing.RoutingSettings;
import dev.renga.gateway.routing.TenantShares;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway's HTTP side over real HTTP, with stand-in nodes that answer as the test says. */
@ExtendWith(LogCapturingExtension.class)
class HandlerInvokerTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final GatewaySettings settings =
      new GatewaySettings(
          "127.0.0.1", 0, "127.0.0.1", 0, 1024, Duration.ofSeconds(2), Duration.ofMillis(300), 100,
          2, Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(2));
  private static final Quarantine quarantine = new Quarantine(2, Duration.ofMinutes(1), Duration.ofSeconds(30));
  private static final HttpClient client = HttpClient.newHttpClient();
  private static final InFlightInvocations inFlight = new InFlightInvocations();
  private static final NodeRouter router = new NodeRouter(settings.queueMax(), inFlight, RoutingSettings.DEFAULTS);
  private static ServerBinding binding;

  @BeforeAll
  static void start() throws Exception {
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new Routes(new HandlerInvoker(testKit.system(), settings, invocations(), quarantine)).handler())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  private static org.apache.pekko.actor.typed.ActorRef<Invocations.Start> invocations() {
    var routing =
        new Invocations.Routing(router, inFlight, quarantine, settings.nodeTimeout(), settings.queueTimeout());
    return testKit.spawn(Invocations.create(routing, new TenantShares(router, RoutingSettings.DEFAULTS))).narrow();
  }

  /** What a node does: a reply tagged with the attempt's id. */
  private static void reply(NodeProtocol.Invoke invoke, NodeProtocol.Reply reply) {
    invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), reply));
  }

  @AfterAll
  static void stop() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  /** A node that answers every invocation with what the handler saw: url, then the headers. */
  private static void useEchoNode() {
    var node =
        testKit.spawn(
            Behaviors.<NodeProtocol.Command>receiveMessage(
                message -> {
                  if (message instanceof NodeProtocol.Invoke invoke) {
                    var inv = invoke.invocation();
                    String seen = inv.method() + " " + inv.url() + " " + inv.headers() + " body=" + new String(inv.body(), StandardCharsets.UTF_8);
                    reply(
                        invoke,
                        new NodeProtocol.Completed(
                            299,
                            List.of(new Header("Content-Type", "text/x-seen; charset=utf-8"), new Header("X-Handler", "yes"), new Header("content-length", "999")),
                            seen.getBytes(StandardCharsets.UTF_8)));
                  }
                  return Behaviors.same();
                }));
    router.update(List.of(node));
  }

  private static void useNode(NodeProtocol.Reply answer) {
    var node =
        testKit.spawn(
            Behaviors.<NodeProtocol.Command>receiveMessage(
                message -> {
                  if (message instanceof NodeProtocol.Invoke invoke && answer != null) {
                    reply(invoke, answer);
                  }
                  return Behaviors.same();
                }));
    router.update(List.of(node));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + pathAndQuery));
  }

  private static void assertError(HttpResponse<String> response, ErrorCode code) {
    assertEquals(code.status(), response.statusCode(), response.body());
    assertEquals(code.code(), response.headers().firstValue("x-renga-error").orElse(null));
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    assertTrue(response.body().contains("handler: "), response.body());
  }

  @Test
  void requestWithoutHandlerGets400HandlerMissingAndItsRequestIdBack() throws Exception {
    var response = send(request("/").header("x-request-id", "abc-123"));
    assertError(response, ErrorCode.HANDLER_MISSING);
    assertEquals("abc-123", response.headers().firstValue("x-request-id").orElse(null));
  }

  @Test
  void nonHttpHandlerUrlGets400HandlerUrlInvalid() throws Exception {
    assertError(send(request("/").header("x-haiku-handler", "file:///etc/passwd")), ErrorCode.HANDLER_URL_INVALID);
  }

  @Test
  void bodyOverTheLimitGets413BodyTooLarge() throws Exception {
    useEchoNode();
    var response =
        send(request("/").header("x-haiku-handler", "http://h/a.js").POST(HttpRequest.BodyPublishers.ofString("x".repeat(2048))));
    assertError(response, ErrorCode.BODY_TOO_LARGE);
  }

  @Test
  void chunkedBodyOverTheLimitGets413BodyTooLarge() throws Exception {
    useEchoNode();
    // No content-length: the body arrives chunked and the limit is found while reading it.
    var response =
        send(
            request("/")
                .header("x-haiku-handler", "http://h/a.js")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[4096]))));
    assertError(response, ErrorCode.BODY_TOO_LARGE);
  }

  @Test
  void handlerResponseKeepsStatusContentTypeAndHeadersAndTheHandlerSeesACleanRequest() throws Exception {
    useEchoNode();
    var response =
        send(
            request("/orders?id=7&x-haiku-handler=http%3A%2F%2Fh%2Fa.js")
                .header("X-Custom", "v")
                .POST(HttpRequest.BodyPublishers.ofString("hi")));
    assertEquals(299, response.statusCode());
    assertEquals("text/x-seen; charset=utf-8", response.headers().firstValue("content-type").orElse("").toLowerCase());
    assertEquals("yes", response.headers().firstValue("x-handler").orElse(null));
    assertFalse(response.headers().firstValue("x-renga-error").isPresent());
    assertTrue(response.headers().firstValue("x-request-id").isPresent());
    String seen = response.body();
    assertTrue(seen.startsWith("POST /orders?id=7 "), seen);
    assertTrue(seen.contains("Header[name=x-custom, value=v]"), seen);
    assertTrue(seen.endsWith("body=hi"), seen);
  }

  @Test
  void nodeFailureBecomesTheContractErrorNamingTheHandler() throws Exception {
    useNode(new NodeProtocol.Failed(new HandlerError(ErrorCode.TIMEOUT, "did not complete within the time limit of 5000ms")));
    var response = send(request("/").header("x-haiku-handler", "http://h/slow.js"));
    assertError(response, ErrorCode.TIMEOUT);
    assertTrue(response.body().contains("http://h/slow.js"), response.body());
    assertTrue(response.body().contains("5000ms"), response.body());
  }

  @Test
  void noNodeGets503NoCapacityWithRetryAfter() throws Exception {
    router.update(List.of());
    var response = send(request("/").header("x-haiku-handler", "http://h/a.js"));
    assertError(response, ErrorCode.NO_CAPACITY);
    assertEquals("2", response.headers().firstValue("retry-after").orElse(null));
  }

  @Test
  void handlerThatWasRunningOnTwoLostNodesGets503QuarantinedWithRetryAfter() throws Exception {
    useEchoNode();
    var first = new org.apache.pekko.actor.Address("pekko", "renga", "10.0.0.1", 25520);
    quarantine.nodeLost("http://h/killer.js", first);
    quarantine.nodeLost("http://h/killer.js", first);
    assertEquals(299, send(request("/").header("x-haiku-handler", "http://h/killer.js")).statusCode(), "one lost node is not enough");
    quarantine.nodeLost("http://h/killer.js", new org.apache.pekko.actor.Address("pekko", "renga", "10.0.0.2", 25520));
    var response = send(request("/").header("x-haiku-handler", "http://h/killer.js"));
    assertError(response, ErrorCode.QUARANTINED);
    long retryAfter = Long.parseLong(response.headers().firstValue("retry-after").orElse("0"));
    assertTrue(retryAfter > 20 && retryAfter <= 30, "Retry-After " + retryAfter);
    assertEquals(299, send(request("/").header("x-haiku-handler", "http://h/other.js")).statusCode());
  }

  @Test
  void handlerCannotSetTheErrorHeaderOrTheRequestId() throws Exception {
    useNode(
        new NodeProtocol.Completed(
            200, List.of(new Header("X-Renga-Error", "timeout"), new Header("x-request-id", "forged")), "ok".getBytes(StandardCharsets.UTF_8)));
    var response = send(request("/").header("x-haiku-handler", "http://h/a.js").header("x-request-id", "mine-1"));
    assertEquals(200, response.statusCode());
    assertEquals(List.of(), response.headers().allValues("x-renga-error"));
    assertEquals(List.of("mine-1"), response.headers().allValues("x-request-id"));
  }

  @Test
  void statusThatAllowsNoBodyGoesOutWithoutTheBodyTheHandlerWrote() throws Exception {
    useNode(new NodeProtocol.Completed(204, List.of(new Header("content-type", "text/plain")), "dropped".getBytes(StandardCharsets.UTF_8)));
    var response = send(request("/").header("x-haiku-handler", "http://h/a.js"));
    assertEquals(204, response.statusCode());
    assertEquals("", response.body());
  }

  @Test
  void bodyThatDoesNotArriveInTimeGets408RequestInvalidNotNodeLost() throws Exception {
    useEchoNode();
    try (var socket = new java.net.Socket("127.0.0.1", binding.localAddress().getPort())) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      out.write(
          ("POST / HTTP/1.1\r\nhost: x\r\nx-haiku-handler: http://h/a.js\r\ncontent-length: 10\r\n\r\n12345")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The other five bytes never come: after renga.gateway.node-timeout the gateway gives up on the client.
      String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertEquals("HTTP/1.1 408 Request Timeout", statusLine);
    }
  }

  @Test
  void aStoppingGatewayRefusesNewRequestsWith503AndClosesTheirConnection() throws Exception {
    useEchoNode();
    var invoker = new HandlerInvoker(testKit.system(), settings, invocations(), quarantine);
    var stopping =
        Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(new Routes(invoker).handler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (var socket = new java.net.Socket("127.0.0.1", stopping.localAddress().getPort())) {
      socket.setSoTimeout(10_000);
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      var out = socket.getOutputStream();
      byte[] get = "GET / HTTP/1.1\r\nhost: x\r\nx-haiku-handler: http://h/a.js\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      out.write(get);
      String first = in.readLine();
      assertTrue(first.startsWith("HTTP/1.1 299"), first);
      skipResponse(in);
      // SIGTERM: the listener is gone, but this keep-alive connection is still open.
      invoker.stopAccepting();
      out.write(get);
      assertEquals("HTTP/1.1 503 Service Unavailable", in.readLine());
      var head = skipResponse(in);
      assertTrue(head.contains("x-renga-error: no-capacity"), head);
      assertTrue(head.contains("connection: close"), head);
      assertEquals(null, in.readLine(), "the gateway closed the connection");
    } finally {
      stopping.unbind();
    }
  }

  /** Reads a response's headers and its content-length body; returns the headers, lower-cased. */
  private static String skipResponse(java.io.BufferedReader in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    int length = 0;
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      head.append(line.toLowerCase(java.util.Locale.ROOT)).append('\n');
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    in.skip(length);
    return head.toString();
  }

  @Test
  void nodeThatNeverAnswersGets502NodeLost() throws Exception {
    useNode(null);
    assertError(send(request("/").header("x-haiku-handler", "http://h/a.js")), ErrorCode.NODE_LOST);
  }
}
