package dev.renga.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.renga.core.Header;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.node.NodeGuardian;
import dev.renga.node.RequestActor;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import dev.renga.node.testing.FixtureServer;
import dev.renga.node.testing.SocketServer;
import dev.renga.node.testing.TestCa;
import dev.renga.node.testing.TestIsolation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** require('net'), require('tls') and require('dns') in handlers, end to end through a RequestActor, on loopback. */
@ExtendWith(LogCapturingExtension.class)
class NetTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** One JS thread: a handler waiting on a socket must not hold it. */
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          RengaConfig.withDefaults(
              ConfigFactory.parseString(
                  """
                  pekko.actor.provider = local
                  renga.node.js-threads = 1
                  """)));
  private static final FixtureServer fixtures = new FixtureServer();
  private static final JsEngine engine = TestIsolation.engine(0);
  private static final RunningTurns turns = new RunningTurns();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    fixtures.close();
    engine.close();
  }

  private static Sandbox sandbox(boolean allowPrivate) {
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    return new Sandbox(
        engine,
        new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true), testKit.system()),
        new SandboxSettings(TIMEOUT, Duration.ofSeconds(5), 512L * 1024 * 1024, 1024 * 1024, allowPrivate, false),
        turns,
        blocking);
  }

  static NodeProtocol.Reply run(String fixture, String query, String body, boolean allowPrivate) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    var invocation = new Invocation("net-" + System.nanoTime(), fixtures.url("net/" + fixture),
        body.isEmpty() ? "GET" : "POST", "/path?" + query, "1.1", List.of(new Header("host", "example")),
        body.getBytes(StandardCharsets.UTF_8));
    testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox(allowPrivate)), NodeGuardian.JS_DISPATCHER);
    NodeProtocol.Reply reply = probe.receiveMessage(TIMEOUT.plusSeconds(5));
    probe.expectNoMessage(Duration.ofMillis(20));
    return reply;
  }

  private static String text(String fixture, String query, String body, boolean allowPrivate) {
    var reply = run(fixture, query, body, allowPrivate);
    var completed = assertInstanceOf(NodeProtocol.Completed.class, reply, () -> "expected a response, got " + reply);
    return new String(completed.body(), StandardCharsets.UTF_8);
  }

  private static JsonNode json(String fixture, String query, String body) {
    String text = text(fixture, query, body, true);
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aSocketConnectsWritesReadsEndsAndCloses() {
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO)) {
      JsonNode report = json("echo.js", "port=" + server.port() + "&host=127.0.0.1", "");
      assertEquals("hello world", report.get("received").asText(), report.toString());
      assertEquals("[\"lookup 127.0.0.1 4 127.0.0.1\",\"connect\",\"ready\",\"end\",\"close false\"]",
          report.get("events").toString());
      assertTrue(report.get("connectingAtStart").asBoolean());
      assertEquals("127.0.0.1:true", report.get("remote").asText());
      assertEquals("open", report.get("readyState").asText());
      assertEquals(11, report.get("bytesRead").asInt());
      assertEquals(11, report.get("bytesWritten").asInt());
      assertTrue(report.get("destroyed").asBoolean());
      SocketServer.await(() -> server.closed() == 1, WAIT, "the server to see the close");
    }
  }

  @Test
  void aClosedPortIsECONNREFUSED() throws IOException {
    int port = closedPort();
    JsonNode error = json("error.js", "host=127.0.0.1&port=" + port, "");
    assertEquals("ECONNREFUSED", error.get("code").asText());
    assertEquals("connect ECONNREFUSED 127.0.0.1:" + port, error.get("message").asText());
    assertEquals("connect", error.get("syscall").asText());
    assertEquals("127.0.0.1", error.get("address").asText());
    assertEquals(port, error.get("port").asInt());
    assertTrue(error.get("isError").asBoolean());
  }

  @Test
  void anUnknownNameIsENOTFOUND() {
    JsonNode error = json("error.js", "host=nowhere.missing.test&port=5432", "");
    assertEquals("ENOTFOUND", error.get("code").asText());
    assertEquals("getaddrinfo ENOTFOUND nowhere.missing.test", error.get("message").asText());
    assertEquals("nowhere.missing.test", error.get("hostname").asText());
  }

  @Test
  void loopbackIsRefusedByThePolicyWithoutAllowPrivate() {
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO)) {
      String text = text("error.js", "host=localhost&port=" + server.port(), "", false);
      assertTrue(text.contains("\"code\":\"ERR_RENGA_NETWORK_POLICY\""), text);
      assertTrue(text.contains("connection to localhost is forbidden by network policy"), text);
      assertTrue(text.contains("loopback or private address"), text);
      assertEquals(0, server.accepted());
    }
  }

  @Test
  void metadataAndUnixSocketsAreRefusedEvenWithAllowPrivate() {
    JsonNode metadata = json("error.js", "host=169.254.169.254&port=80", "");
    assertEquals("ERR_RENGA_NETWORK_POLICY", metadata.get("code").asText());
    assertTrue(metadata.get("message").asText().contains("link-local or metadata"), metadata.toString());
    JsonNode unix = json("error.js", "path=/var/run/docker.sock", "");
    assertEquals("ERR_RENGA_NETWORK_POLICY", unix.get("code").asText());
    assertTrue(unix.get("message").asText().contains("Unix domain sockets"), unix.toString());
  }

  @Test
  void aSocketLeftOpenIsClosedWhenTheRequestEnds() {
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO)) {
      assertEquals("answered with the socket open", text("left-open.js", "port=" + server.port(), "", true));
      SocketServer.await(() -> server.closed() == 1, WAIT, "the server to see the socket closed");
    }
  }

  @Test
  void aLargeWriteWaitsForDrainAndArrivesWhole() {
    try (SocketServer server = new SocketServer(SocketServer.Mode.COUNT)) {
      // The server reads only once released: the writes back up into the socket first.
      Thread.ofVirtual().start(() -> {
        SocketServer.await(() -> server.accepted() == 1, WAIT, "the connect");
        server.release();
      });
      JsonNode report = json("backpressure.js", "mb=16&port=" + server.port(), "");
      assertEquals(16 << 20, report.get("written").asInt(), report.toString());
      assertEquals(16 << 20, report.get("counted").asInt(), report.toString());
      assertEquals(16 << 20, report.get("bytesWritten").asInt(), report.toString());
      assertTrue(report.get("refusals").asInt() > 0, report.toString());
      assertEquals(report.get("refusals").asInt(), report.get("drains").asInt(), report.toString());
    }
  }

  @Test
  void tlsVerifiesTheServerAgainstTheGivenCa() {
    TestCa ca = TestCa.get();
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO, ca.server(), "renga-test")) {
      JsonNode report = json("tls.js", "port=" + server.port() + "&alpn=h2,renga-test", ca.caPem());
      assertTrue(report.get("authorized").asBoolean(), report.toString());
      assertTrue(report.get("authorizationError").isNull(), report.toString());
      assertEquals("renga-test", report.get("alpn").asText());
      assertEquals("TLSv1.3", report.get("protocol").asText());
      assertEquals("localhost", report.get("subject").get("CN").asText());
      assertEquals("Renga Test", report.get("subject").get("O").asText());
      assertEquals("Renga Test CA", report.get("issuer").get("CN").asText());
      assertEquals("DNS:localhost, IP Address:127.0.0.1", report.get("san").asText());
      assertTrue(report.get("validFrom").asText().matches("[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} GMT"), report.toString());
      assertTrue(report.get("fingerprint256").asText().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), report.toString());
      assertTrue(report.get("rawIsBuffer").asBoolean());
      assertEquals("over tls", report.get("echo").asText());
    }
  }

  @Test
  void tlsRefusesAnUntrustedServerUnlessTold() {
    TestCa ca = TestCa.get();
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO, ca.selfSigned())) {
      JsonNode refused = json("tls.js", "port=" + server.port(), ca.caPem());
      assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", refused.get("error").asText(), refused.toString());
      JsonNode tolerated = json("tls.js", "port=" + server.port() + "&reject=no", ca.caPem());
      assertEquals(false, tolerated.get("authorized").asBoolean(), tolerated.toString());
      assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", tolerated.get("authorizationError").asText());
      assertEquals("over tls", tolerated.get("echo").asText());
    }
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO, ca.server())) {
      JsonNode wrongName = json("tls.js", "port=" + server.port() + "&servername=db.example.com", ca.caPem());
      assertEquals("ERR_TLS_CERT_ALTNAME_INVALID", wrongName.get("error").asText(), wrongName.toString());
    }
  }

  @Test
  void aPlainSocketUpgradesToTlsAsPgDoes() {
    TestCa ca = TestCa.get();
    try (SocketServer server = new SocketServer(SocketServer.Mode.STARTTLS)) {
      JsonNode report = json("starttls.js", "port=" + server.port(), ca.caPem());
      assertEquals("S", report.get("answer").asText(), report.toString());
      assertTrue(report.get("authorized").asBoolean(), report.toString());
      assertEquals("upgraded", report.get("echo").asText());
      assertEquals("localhost", report.get("cn").asText());
      SocketServer.await(() -> server.closed() == 1, WAIT, "the server to see the close");
    }
  }

  @Test
  void anIdleSocketTimesOut() {
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO)) {
      assertEquals("timed out; destroyed=true", text("timeout.js", "port=" + server.port(), "", true));
    }
  }

  @Test
  void dnsLooksUpUnderThePolicy() {
    JsonNode report = json("dns.js", "name=localhost", "");
    assertEquals("127.0.0.1", report.get("address").asText(), report.toString());
    assertEquals(4, report.get("family").asInt());
    assertTrue(report.get("all").asBoolean(), report.toString());
    assertEquals("[\"127.0.0.1\"]", report.get("v4").toString());
    assertEquals("[4,6,6,0,0]", report.get("isIP").toString());
    assertEquals("{\"address\":\"10.1.2.3\",\"family\":4}", report.get("literal").toString());
    JsonNode missing = json("dns.js", "name=nowhere.missing.test", "");
    assertEquals("ENOTFOUND", missing.get("error").asText());
    assertEquals("nowhere.missing.test", missing.get("hostname").asText());
    String refused = text("dns.js", "name=localhost", "", false);
    assertTrue(refused.contains("\"error\":\"ERR_RENGA_NETWORK_POLICY\""), refused);
  }
}
