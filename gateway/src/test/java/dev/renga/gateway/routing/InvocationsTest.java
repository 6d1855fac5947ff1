package dev.renga.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.NodeReport;
import dev.renga.core.RengaConfig;
import dev.renga.core.tenants.TenantTable;
import dev.renga.core.tenants.Tenants;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-tenant fairness: while requests wait, a tenant above its fair share of the cluster gets 429. */
@ExtendWith(LogCapturingExtension.class)
class InvocationsTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final AtomicInteger ids = new AtomicInteger();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private record Cluster(NodeRouter router, TestProbe<NodeProtocol.Command> node, ActorRef<Invocations.Command> invocations) {
    CompletableFuture<Invocations.Answer> send(String handlerUrl) {
      var result = new CompletableFuture<Invocations.Answer>();
      invocations.tell(
          new Invocations.Start(
              new Invocation("r" + ids.incrementAndGet(), handlerUrl, "GET", "/", "1.1", List.of(), new byte[0]), result));
      return result;
    }
  }

  /** One node of the given capacity behind a gateway with fairness as configured. */
  private static Cluster cluster(int capacity, RoutingSettings settings) {
    var inFlight = new InFlightInvocations();
    var router = new NodeRouter(100, inFlight, settings);
    TestProbe<NodeProtocol.Command> node = testKit.createTestProbe();
    router.update(List.of(node.getRef()));
    var address = node.getRef().path().address();
    router.reported(address, new NodeReport(address.toString(), "up", 0, 0, 0, 0, capacity, true));
    var routing =
        new Invocations.Routing(
            router, inFlight, new Quarantine(2, Duration.ofMinutes(1), Duration.ofMinutes(1)), Duration.ofSeconds(10), Duration.ofSeconds(10));
    return new Cluster(router, node, testKit.spawn(Invocations.create(routing, new TenantShares(router, settings))));
  }

  /** One node of the given capacity behind a gateway whose renga.tenants are {@code tenants} (HOCON). */
  private static Cluster cluster(int capacity, String tenants) {
    var inFlight = new InFlightInvocations();
    var router = new NodeRouter(100, inFlight, RoutingSettings.DEFAULTS);
    TestProbe<NodeProtocol.Command> node = testKit.createTestProbe();
    router.update(List.of(node.getRef()));
    var address = node.getRef().path().address();
    router.reported(address, new NodeReport(address.toString(), "up", 0, 0, 0, 0, capacity, true));
    var routing =
        new Invocations.Routing(
            router, inFlight, new Quarantine(2, Duration.ofMinutes(1), Duration.ofMinutes(1)), Duration.ofSeconds(10), Duration.ofSeconds(10));
    var table = TenantTable.of(ConfigFactory.parseString(tenants), TenantShares.Share::of);
    var shares = new TenantShares(router, RoutingSettings.DEFAULTS, new Tenants<>(table));
    return new Cluster(router, node, testKit.spawn(Invocations.create(routing, shares)));
  }

  @Test
  void theOriginsOfOneTenantEntryShareOneFairShare() throws Exception {
    var cluster = cluster(2, "acme { match = [\"https://a.example/\", \"https://a2.example/\"] }");
    cluster.send("https://a.example/h.js");
    cluster.send("https://a2.example/h.js");
    cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    cluster.send("https://a.example/h.js");
    awaitWaiting(cluster, 1);
    var refused = assertInstanceOf(NodeProtocol.Failed.class, cluster.send("https://a2.example/x.js").get(5, TimeUnit.SECONDS).reply());
    assertEquals(ErrorCode.TENANT_OVERLOADED, refused.error().code());
    assertTrue(refused.error().cause().startsWith("tenant acme has 3 requests"), refused.error().cause());
  }

  @Test
  void aTenantsMinShareLiftsItsFairShare() throws Exception {
    var cluster = cluster(2, "acme { match = \"https://a.example/\", min-share = 4 }");
    cluster.send("https://a.example/h.js");
    cluster.send("https://a.example/h.js");
    cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    cluster.send("https://a.example/h.js");
    cluster.send("https://a.example/h.js");
    // Holding 4 of a capacity of 2 is within its min-share of 4: both wait; the fifth is over it.
    awaitWaiting(cluster, 2);
    assertEquals(ErrorCode.TENANT_OVERLOADED, errorOf(cluster.send("https://a.example/h.js")));
  }

  /** What a node does: a reply tagged with the attempt's id. */
  private static void reply(NodeProtocol.Invoke invoke, NodeProtocol.Reply reply) {
    invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), reply));
  }

  private static ErrorCode errorOf(CompletableFuture<Invocations.Answer> result) throws Exception {
    return assertInstanceOf(NodeProtocol.Failed.class, result.get(5, TimeUnit.SECONDS).reply()).error().code();
  }

  private static void awaitWaiting(Cluster cluster, int count) {
    testKit.createTestProbe().awaitAssert(() -> {
      assertEquals(count, cluster.router().waiting());
      return null;
    });
  }

  @Test
  void tenantAboveItsFairShareWhileOthersWaitGets429AndOtherTenantsStillGetIn() throws Exception {
    var cluster = cluster(2, RoutingSettings.DEFAULTS);
    var a1 = cluster.send("https://a.example/h.js");
    var a2 = cluster.send("https://a.example/other.js");
    var firstRun = cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    var a3 = cluster.send("https://a.example/h.js");
    awaitWaiting(cluster, 1);

    // Tenant a holds 3 (2 running, 1 waiting): above the whole capacity of 2.
    var a4 = cluster.send("https://a.example/h.js");
    assertEquals(ErrorCode.TENANT_OVERLOADED, errorOf(a4));
    // Tenant b is new: its share is 2 / 2 tenants = 1; its first request waits, its second is refused.
    var b1 = cluster.send("https://b.example/h.js");
    awaitWaiting(cluster, 2);
    var b2 = cluster.send("https://b.example/h.js");
    assertEquals(ErrorCode.TENANT_OVERLOADED, errorOf(b2));
    assertFalse(a3.isDone() || b1.isDone());

    // A request ends: the node has room, the first waiting request takes it. (a1 and a2 reach the node in either order.)
    var ended = firstRun.invocation().handlerUrl().endsWith("/h.js") ? a1 : a2;
    var stillRunning = ended == a1 ? a2 : a1;
    reply(firstRun, new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, ended.get(5, TimeUnit.SECONDS).reply()).status());
    cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    assertFalse(stillRunning.isDone());
  }

  @Test
  void withNothingWaitingATenantMayUseTheWholeCluster() throws Exception {
    var cluster = cluster(10, RoutingSettings.DEFAULTS);
    for (int i = 0; i < 10; i++) {
      cluster.send("https://a.example/h" + i + ".js");
    }
    for (int i = 0; i < 10; i++) {
      cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    }
    assertEquals(0, cluster.router().waiting());
  }

  @Test
  void aTenantsShareFreesUpAsItsRequestsEnd() throws Exception {
    var cluster = cluster(1, RoutingSettings.DEFAULTS);
    var a1 = cluster.send("https://a.example/h.js");
    var running = cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    var a2 = cluster.send("https://a.example/h.js");
    awaitWaiting(cluster, 1);
    assertEquals(ErrorCode.TENANT_OVERLOADED, errorOf(cluster.send("https://a.example/h.js")));
    reply(running, new NodeProtocol.Completed(200, List.of(), new byte[0]));
    a1.get(5, TimeUnit.SECONDS);
    reply(cluster.node().expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(200, List.of(), new byte[0]));
    a2.get(5, TimeUnit.SECONDS);
    // Both ended and nothing waits: the tenant is welcome again.
    var a3 = cluster.send("https://a.example/h.js");
    reply(cluster.node().expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertTrue(a3.get(5, TimeUnit.SECONDS).reply() instanceof NodeProtocol.Completed);
  }

  @Test
  void withFairnessOffEveryRequestWaitsItsTurn() throws Exception {
    var cluster = cluster(1, new RoutingSettings(1.25, 1000, false, 1));
    cluster.send("https://a.example/h.js");
    cluster.node().expectMessageClass(NodeProtocol.Invoke.class);
    cluster.send("https://a.example/h.js");
    awaitWaiting(cluster, 1);
    cluster.send("https://a.example/h.js");
    awaitWaiting(cluster, 2);
  }
}
