package dev.renga.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.node.fetch.Destination;
import dev.renga.node.fetch.NetworkPolicy;
import dev.renga.node.testing.SocketServer;
import dev.renga.node.testing.TestCa;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The I/O core of handler sockets, without JS: TCP and TLS against servers on loopback, and the policy checks. */
class TcpSocketTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final SocketLoop loop = new SocketLoop("test-sockets", SocketSettings.DEFAULTS);

  @AfterAll
  static void stop() {
    loop.close();
  }

  private final BlockingQueue<SocketEvent> events = new LinkedBlockingQueue<>();

  private SocketEvent next() throws InterruptedException {
    SocketEvent event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(event, "no event in time");
    return event;
  }

  /** The next event of a type other than written (writes complete in their own time). */
  private SocketEvent nextOf(String type) throws InterruptedException {
    while (true) {
      SocketEvent event = next();
      if (event.type().equals(type)) {
        return event;
      }
      if (!event.type().equals("written")) {
        throw new AssertionError("expected " + type + ", got " + event);
      }
    }
  }

  private TcpSocket connect(int port, TlsSetup.Options tls) {
    return TcpSocket.connect(loop, 1, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Duration.ofSeconds(5),
        true, tls, events::add);
  }

  /** Reads until {@code expected} bytes came, asking for each chunk as a stream would. */
  private byte[] readBytes(TcpSocket socket, int expected) throws InterruptedException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < expected) {
      socket.read();
      got.writeBytes(nextOf("data").data());
    }
    return got.toByteArray();
  }

  @Test
  void echoesAndEndsBothWays() throws Exception {
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO)) {
      TcpSocket socket = connect(server.port(), null);
      SocketEvent connected = nextOf("connect");
      assertEquals("127.0.0.1", connected.info().get(2));
      socket.write("hello".getBytes(StandardCharsets.UTF_8), 1);
      assertEquals("1", nextOf("written").info().getFirst());
      assertEquals("hello", new String(readBytes(socket, 5), StandardCharsets.UTF_8));
      socket.end(2);
      assertEquals("2", nextOf("written").info().getFirst());
      socket.read();
      nextOf("end");
      socket.destroy();
      SocketServer.await(() -> server.closed() == 1, WAIT, "the server to see the close");
    }
  }

  @Test
  void aClosedPortIsRefused() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    connect(port, null);
    SocketEvent error = nextOf("error");
    assertEquals("ECONNREFUSED", error.info().get(0));
    assertEquals("connect ECONNREFUSED 127.0.0.1:" + port, error.info().get(1));
  }

  @Test
  void writesAreReportedOnlyOnceTheKernelTookThem() throws Exception {
    try (SocketServer server = new SocketServer(SocketServer.Mode.COUNT)) {
      TcpSocket socket = connect(server.port(), null);
      nextOf("connect");
      byte[] chunk = new byte[1 << 20];
      int chunks = 32;
      for (int i = 1; i <= chunks; i++) {
        socket.write(chunk, i);
      }
      socket.end(chunks + 1);
      // The server reads nothing yet: the kernel's buffers fill and the last writes stay unreported.
      long reported = 0;
      SocketEvent event;
      while ((event = events.poll(500, TimeUnit.MILLISECONDS)) != null) {
        reported = Long.parseLong(event.info().getFirst());
      }
      assertTrue(reported < chunks, "every write reported although the server read nothing: " + reported);
      server.release();
      while (reported != chunks + 1) {
        reported = Long.parseLong(nextOf("written").info().getFirst());
      }
      String count = new String(readBytes(socket, 2), StandardCharsets.US_ASCII).trim();
      assertEquals(Long.toString((long) chunks << 20), count.lines().findFirst().orElseThrow());
      socket.destroy();
    }
  }

  @Test
  void tlsVerifiesAgainstTheGivenCaAndDescribesThePeer() throws Exception {
    TestCa ca = TestCa.get();
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO, ca.server(), "x-other", "renga-test")) {
      TcpSocket socket = connect(server.port(),
          new TlsSetup.Options("localhost", server.port(), null, List.of(ca.caPem()), true, List.of("renga-test", "h2")));
      nextOf("connect");
      SocketEvent secure = nextOf("secure");
      assertEquals(List.of("true", "", "renga-test"), secure.info().subList(0, 3));
      String peer = socket.peerCertificate();
      assertTrue(peer.contains("\"CN\":\"localhost\""), peer);
      assertTrue(peer.contains("\"issuer\":{\"CN\":\"Renga Test CA\"}"), peer);
      assertTrue(peer.contains("\"subjectaltname\":\"DNS:localhost, IP Address:127.0.0.1\""), peer);
      assertTrue(peer.matches(".*\"fingerprint256\":\"([0-9A-F]{2}:){31}[0-9A-F]{2}\".*"), peer);
      socket.write("secret".getBytes(StandardCharsets.UTF_8), 1);
      assertEquals("secret", new String(readBytes(socket, 6), StandardCharsets.UTF_8));
      socket.end(2);
      socket.read();
      nextOf("end");
      socket.destroy();
    }
  }

  @Test
  void anUntrustedCertificateFailsTheHandshakeOrIsReportedWhenTolerated() throws Exception {
    TestCa ca = TestCa.get();
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO, ca.selfSigned())) {
      connect(server.port(), new TlsSetup.Options("localhost", server.port(), null, List.of(ca.caPem()), true, List.of()));
      nextOf("connect");
      SocketEvent error = nextOf("error");
      assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", error.info().get(0));
      assertEquals("self-signed certificate", error.info().get(1));

      TcpSocket tolerant = connect(server.port(),
          new TlsSetup.Options("localhost", server.port(), null, List.of(ca.caPem()), false, List.of()));
      nextOf("connect");
      SocketEvent secure = nextOf("secure");
      assertEquals(List.of("false", "DEPTH_ZERO_SELF_SIGNED_CERT"), secure.info().subList(0, 2));
      tolerant.destroy();
    }
  }

  @Test
  void theHostNameIsVerified() throws Exception {
    TestCa ca = TestCa.get();
    try (SocketServer server = new SocketServer(SocketServer.Mode.ECHO, ca.server())) {
      connect(server.port(),
          new TlsSetup.Options("localhost", server.port(), "db.example.com", List.of(ca.caPem()), true, List.of()));
      nextOf("connect");
      assertEquals("ERR_TLS_CERT_ALTNAME_INVALID", nextOf("error").info().get(0));
    }
  }

  @Test
  void aPlainSocketUpgradesToTls() throws Exception {
    TestCa ca = TestCa.get();
    try (SocketServer server = new SocketServer(SocketServer.Mode.STARTTLS)) {
      TcpSocket socket = connect(server.port(), null);
      nextOf("connect");
      socket.write(new byte[] {'?'}, 1);
      assertEquals("S", new String(readBytes(socket, 1), StandardCharsets.US_ASCII));
      socket.startTls(new TlsSetup.Options("127.0.0.1", 0, null, List.of(ca.caPem()), true, List.of()));
      assertEquals("true", nextOf("secure").info().getFirst());
      socket.write("over tls".getBytes(StandardCharsets.UTF_8), 2);
      assertEquals("over tls", new String(readBytes(socket, 8), StandardCharsets.UTF_8));
      socket.destroy();
      SocketServer.await(() -> server.closed() == 1, WAIT, "the server to see the close");
    }
  }

  @Test
  void thePolicyChecksEveryAddressOfAName() {
    RequestSockets strict = new RequestSockets(loop, SocketSettings.DEFAULTS, new NetworkPolicy(false),
        host -> new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.1")}, e -> {});
    SocketFailure refused = assertThrows(SocketFailure.class, () -> strict.addresses("mixed.example", 443, 0));
    assertEquals(SocketFailure.POLICY, refused.code());
    assertTrue(refused.getMessage().contains("10.0.0.1"), refused.getMessage());

    RequestSockets metadata = new RequestSockets(loop, SocketSettings.DEFAULTS, new NetworkPolicy(true),
        host -> new InetAddress[] {InetAddress.getByName("169.254.169.254")}, e -> {});
    assertEquals(SocketFailure.POLICY, assertThrows(SocketFailure.class, () -> metadata.addresses("x.example", 80, 0)).code());
    assertEquals(SocketFailure.POLICY,
        assertThrows(SocketFailure.class, () -> metadata.addresses("metadata.google.internal", 80, 0)).code());

    RequestSockets unknown = new RequestSockets(loop, SocketSettings.DEFAULTS, new NetworkPolicy(true), host -> {
      throw new UnknownHostException(host);
    }, e -> {});
    SocketFailure notFound = assertThrows(SocketFailure.class, () -> unknown.addresses("nowhere.invalid", 80, 0));
    assertEquals("ENOTFOUND", notFound.code());
    assertEquals("getaddrinfo ENOTFOUND nowhere.invalid", notFound.getMessage());

    RequestSockets both = new RequestSockets(loop, SocketSettings.DEFAULTS, new NetworkPolicy(true),
        host -> new InetAddress[] {InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.1")}, e -> {});
    assertEquals("127.0.0.1", both.addresses("localhost", 80, 4).getFirst().getHostAddress());
    assertFalse(both.addresses("localhost", 80, 6).getFirst() instanceof java.net.Inet4Address);
  }

  @Test
  void aTenantsDestinationsApplyToSocketsAndLookUps() throws Exception {
    InetAddress database = InetAddress.getByName("10.1.2.3");
    InetAddress elsewhere = InetAddress.getByName("93.184.216.34");
    // Its database on a private address, on a node that keeps private addresses closed: allowed on its port only.
    RequestSockets tenant = new RequestSockets(loop, SocketSettings.DEFAULTS,
        new NetworkPolicy(false, List.of(Destination.parse("10.1.2.3:5432")), false),
        host -> new InetAddress[] {host.equals("db.internal") ? database : elsewhere}, e -> {});
    assertEquals(database, tenant.addresses("db.internal", 5432, 0).getFirst());
    assertEquals(database, tenant.addresses("db.internal", NetworkPolicy.ANY_PORT, 0).getFirst()); // dns.lookup
    SocketFailure otherPort = assertThrows(SocketFailure.class, () -> tenant.addresses("db.internal", 22, 0));
    assertEquals(SocketFailure.POLICY, otherPort.code());
    assertEquals(elsewhere, tenant.addresses("public.example", 443, 0).getFirst());
    // A tenant limited to its destinations reaches nothing else, public addresses included.
    RequestSockets only = new RequestSockets(loop, SocketSettings.DEFAULTS,
        new NetworkPolicy(true, List.of(Destination.parse("db.internal:5432")), true),
        host -> new InetAddress[] {host.equals("db.internal") ? database : elsewhere}, e -> {});
    assertEquals(database, only.addresses("db.internal", 5432, 0).getFirst());
    SocketFailure outside = assertThrows(SocketFailure.class, () -> only.addresses("public.example", 443, 0));
    assertTrue(outside.getMessage().contains("not one of the tenant's allowed destinations"), outside.getMessage());
  }
}
