package dev.renga.node.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.RengaConfig;
import dev.renga.node.fetch.NetworkPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keep-alive connections of outbound requests: reused within a tenant and key, never across, and bounded. */
@ExtendWith(LogCapturingExtension.class)
class OutboundPoolTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final NetworkPolicy POLICY = new NetworkPolicy(true);
  private static final String A = "https://a.example:443";
  private static final String B = "https://b.example:443";
  private static final String C = "https://c.example:443";

  /** Names the tests point where they want; any other name resolves as usual. */
  private final Map<String, InetAddress> names = new ConcurrentHashMap<>();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private OutboundClient client(int perTenant, int total, Duration idle, Duration lifetime) {
    var settings =
        new OutboundSettings(
            20, 1 << 20, Duration.ofSeconds(10), 3, new OutboundSettings.Pool(perTenant, total, idle, lifetime));
    return new OutboundClient(
        testKit.system(),
        settings,
        host -> {
          InetAddress pinned = names.get(host);
          return pinned != null ? new InetAddress[] {pinned} : InetAddress.getAllByName(host);
        });
  }

  private OutboundClient client() {
    return client(8, 64, Duration.ofSeconds(30), Duration.ofMinutes(5));
  }

  private static CompletableFuture<OutboundResponse> send(OutboundClient client, String tenant, String url) {
    return send(client, tenant, "GET", url);
  }

  private static CompletableFuture<OutboundResponse> send(
      OutboundClient client, String tenant, String method, String url) {
    byte[] body = method.equals("POST") ? "posted".getBytes(StandardCharsets.UTF_8) : new byte[0];
    return client
        .send(tenant, new OutboundRequest(method, URI.create(url), List.of(), body, OutboundRequest.Redirect.FOLLOW),
            POLICY, new AtomicLong())
        .result()
        .toCompletableFuture();
  }

  /** The answer's body: which connection carried it. */
  private static String via(CompletableFuture<OutboundResponse> response) throws Exception {
    return new String(response.get(10, TimeUnit.SECONDS).body(), StandardCharsets.US_ASCII);
  }

  private static void eventually(Runnable assertion) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertion.run();
      return null;
    });
  }

  @Test
  void requestsOfOneTenantReuseOneKeepAliveConnection() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient client = client();
      String first = via(send(client, A, server.base() + "/one"));
      for (String method : List.of("GET", "POST", "PUT", "HEAD", "GET")) {
        OutboundResponse response = send(client, A, method, server.base() + "/again").get(10, TimeUnit.SECONDS);
        assertEquals(200, response.status());
        if (!method.equals("HEAD")) {
          assertEquals(first, new String(response.body(), StandardCharsets.US_ASCII));
        }
      }
      assertEquals(1, server.accepted());
      assertEquals(1, client.pool().open(A));
    }
  }

  @Test
  void aRedirectToTheSameHostFollowsOnTheSameConnection() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient client = client();
      OutboundResponse response = send(client, A, server.base() + "/redirect").get(10, TimeUnit.SECONDS);
      assertTrue(response.redirected());
      assertEquals("conn-1@127.0.0.1", new String(response.body(), StandardCharsets.US_ASCII));
      assertEquals(1, server.accepted());
    }
  }

  @Test
  void tenantsNeverShareAConnection() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient client = client();
      String a1 = via(send(client, A, server.base() + "/"));
      String b1 = via(send(client, B, server.base() + "/"));
      String a2 = via(send(client, A, server.base() + "/"));
      String b2 = via(send(client, B, server.base() + "/"));
      assertNotEquals(a1, b1);
      assertEquals(a1, a2);
      assertEquals(b1, b2);
      assertEquals(2, server.accepted());
    }
  }

  @Test
  void aNameThatNowResolvesElsewhereNeverGetsTheOldAddresssConnection() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1", "127.0.0.2")) {
      OutboundClient client = client();
      String url = "http://upstream.test:" + server.port() + "/";
      names.put("upstream.test", InetAddress.getByName("127.0.0.1"));
      String first = via(send(client, A, url));
      assertTrue(first.endsWith("@127.0.0.1"), first);

      names.put("upstream.test", InetAddress.getByName("127.0.0.2"));
      String moved = via(send(client, A, url));
      assertTrue(moved.endsWith("@127.0.0.2"), moved);
      assertEquals(1, server.acceptedOn("127.0.0.2"));

      // Back to the first address: its connection, opened to that address, serves again.
      names.put("upstream.test", InetAddress.getByName("127.0.0.1"));
      assertEquals(first, via(send(client, A, url)));
      assertEquals(2, server.accepted());

      // The policy is checked on every request, pooled connection or not.
      names.put("upstream.test", InetAddress.getByName("169.254.169.254"));
      ExecutionException denied =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class, () -> send(client, A, url).get(10, TimeUnit.SECONDS));
      OutboundException cause = (OutboundException) denied.getCause();
      assertEquals("ERR_NETWORK_POLICY", cause.code());
      assertEquals(2, server.accepted());
    }
  }

  @Test
  void aTenantAtItsBoundWaitsForItsOwnConnectionsWhileOtherTenantsGoOn() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient client = client(2, 64, Duration.ofSeconds(30), Duration.ofMinutes(5));
      List<CompletableFuture<OutboundResponse>> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        held.add(send(client, A, server.base() + "/hold"));
      }
      CompletableFuture<Void> firstHeld = server.nextHeld();
      CompletableFuture<Void> secondHeld = server.nextHeld();
      // A has both its connections busy; B is not held up by it.
      via(send(client, B, server.base() + "/"));
      assertEquals(3, server.accepted());
      assertEquals(2, client.pool().open(A));
      assertTrue(server.held().isEmpty(), "A's third request went past A's bound");

      // One of A's connections comes free and serves A's waiting request.
      firstHeld.complete(null);
      CompletableFuture.anyOf(held.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      CompletableFuture<Void> thirdHeld = server.nextHeld();
      secondHeld.complete(null);
      thirdHeld.complete(null);
      java.util.Set<String> connections = new java.util.HashSet<>();
      for (var response : held) {
        connections.add(via(response));
      }
      assertEquals(2, connections.size(), connections.toString());
      assertEquals(3, server.accepted());
    }
  }

  @Test
  void anotherKeyOfATenantAtItsBoundTakesTheRoomOfItsIdleConnection() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1", "127.0.0.2")) {
      OutboundClient client = client(1, 64, Duration.ofSeconds(30), Duration.ofMinutes(5));
      via(send(client, A, server.base() + "/"));
      String other = via(send(client, A, "http://127.0.0.2:" + server.port() + "/"));
      assertTrue(other.endsWith("@127.0.0.2"), other);
      assertEquals(1, server.closedByClient().poll(5, TimeUnit.SECONDS));
      assertEquals(1, client.pool().open(A));
    }
  }

  @Test
  void theNodeBoundClosesTheLeastRecentlyUsedIdleConnection() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient client = client(8, 2, Duration.ofSeconds(30), Duration.ofMinutes(5));
      via(send(client, A, server.base() + "/"));
      via(send(client, B, server.base() + "/"));
      via(send(client, C, server.base() + "/"));
      assertEquals(1, server.closedByClient().poll(5, TimeUnit.SECONDS), "A's connection, used least recently");
      assertEquals(3, server.accepted());
      assertEquals(2, client.pool().open());
      assertEquals(0, client.pool().open(A));
    }
  }

  @Test
  void idleConnectionsCloseAfterTheIdleTimeoutAndOldOnesAreNotReused() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient idle = client(8, 64, Duration.ofMillis(200), Duration.ofMinutes(5));
      via(send(idle, A, server.base() + "/"));
      assertEquals(1, server.closedByClient().poll(5, TimeUnit.SECONDS));
      via(send(idle, A, server.base() + "/"));
      assertEquals(2, server.accepted());

      OutboundClient young = client(8, 64, Duration.ofSeconds(30), Duration.ZERO);
      via(send(young, A, server.base() + "/"));
      via(send(young, A, server.base() + "/"));
      assertEquals(4, server.accepted());
      eventually(() -> assertEquals(0, young.pool().open()));
    }
  }

  @Test
  void aConnectionTheServerClosesIsNotReusedAndCostsNoFailedRequest() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient client = client();
      String closing = via(send(client, A, server.base() + "/close"));
      String next = via(send(client, A, server.base() + "/"));
      assertNotEquals(closing, next);
      // Closed without a word after a keep-alive answer: the next GET goes out again on a new connection if it met
      // the closed one.
      String dropped = via(send(client, A, server.base() + "/drop"));
      String after = via(send(client, A, server.base() + "/"));
      assertNotEquals(dropped, after);
      assertEquals(3, server.accepted());
    }
  }

  @Test
  void anAbortedRequestClosesItsConnectionAndGivesBackItsRoom() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient client = client(1, 64, Duration.ofSeconds(30), Duration.ofMinutes(5));
      var exchange =
          client.send(A, new OutboundRequest("GET", URI.create(server.base() + "/hold"), List.of(), new byte[0],
              OutboundRequest.Redirect.FOLLOW), POLICY, new AtomicLong());
      CompletableFuture<Void> held = server.nextHeld();
      // A second request of A waits for A's only connection; aborting it leaves the pool as it was.
      var waiting =
          client.send(A, new OutboundRequest("GET", URI.create(server.base() + "/"), List.of(), new byte[0],
              OutboundRequest.Redirect.FOLLOW), POLICY, new AtomicLong());
      waiting.cancel();
      exchange.cancel();
      ExecutionException aborted =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class, () -> exchange.result().toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertEquals("ABORT_ERR", ((OutboundException) aborted.getCause()).code());
      // The server notices the close once its held answer goes out.
      held.complete(null);
      assertEquals(1, server.closedByClient().poll(5, TimeUnit.SECONDS));
      eventually(() -> assertEquals(0, client.pool().open(A)));
      assertTrue(via(send(client, A, server.base() + "/")).startsWith("conn-2@"));
    }
  }

  @Test
  void requestsWithoutATenantShareNoConnection() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer("127.0.0.1")) {
      OutboundClient client = client();
      for (int i = 0; i < 2; i++) {
        client.send(new OutboundRequest("GET", URI.create(server.base() + "/"), List.of(), new byte[0],
                OutboundRequest.Redirect.FOLLOW), POLICY, new AtomicLong())
            .result().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      assertEquals(2, server.accepted());
      eventually(() -> assertEquals(0, client.pool().open()));
    }
  }

  @Test
  void unknownNamesFailWithoutTakingRoom() {
    OutboundClient client = client();
    names.remove("nowhere.invalid");
    ExecutionException failed =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class,
            () -> send(client, A, "http://nowhere.invalid/").get(10, TimeUnit.SECONDS));
    assertEquals("ECONNREFUSED", ((OutboundException) failed.getCause()).code());
    assertEquals(0, client.pool().open());
  }

  static {
    // Fail fast when the machine cannot bind a second loopback address.
    try {
      InetAddress.getByName("127.0.0.2");
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
