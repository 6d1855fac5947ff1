package dev.renga.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.NodeReport;
import dev.renga.core.RengaConfig;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.testing.FixtureServer;
import dev.renga.node.testing.TestIsolation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Make-before-break in one JVM: a node at its quota (of 4, ceiling 8) and its replacement (a stand-in registered as a
 * node in a second actor system of the same cluster, publishing the reports a real replacement would). The node hands
 * over only to a replacement that is routed and warm, or, past its ceiling, routed; one that leaves before the hand-over
 * is forgotten and the node waits for the next.
 */
class NodeHandOverTest {
  private static final FixtureServer fixtures = new FixtureServer();
  private static final JsEngine engine = TestIsolation.engine(0);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private ActorTestKit old;
  private ActorTestKit successor;
  private ActorRef<NodeProtocol.Command> guardian;
  /** What the replacement's reporter says about it: warm or not. */
  private final NodeStatus successorStatus = new NodeStatus();
  private final AtomicInteger sent = new AtomicInteger();

  @AfterAll
  static void close() {
    fixtures.close();
    engine.close();
  }

  /** A member of the test's cluster, on a free port; log expectations wait as long as a listing can take to spread. */
  private static ActorTestKit member() {
    return ActorTestKit.create(
        "renga",
        RengaConfig.withDefaults(
            ConfigFactory.parseString(
                "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.cluster.jmx.enabled = off\n"
                    + "pekko.actor.testkit.typed.filter-leeway = 20s\n")));
  }

  @BeforeEach
  void formCluster() {
    old = member();
    successor = member();
    Address first = Cluster.get(old.system()).selfMember().address();
    Cluster.get(old.system()).manager().tell(Join.create(first));
    Cluster.get(successor.system()).manager().tell(Join.create(first));
    old.createTestProbe().awaitAssert(
        WAIT,
        () -> {
          for (var kit : List.of(old, successor)) {
            assertEquals(MemberStatus.up(), Cluster.get(kit.system()).selfMember().status());
          }
          return null;
        });
    Address replacementAddress = Cluster.get(successor.system()).selfMember().address();
    Replacement replacement =
        new Replacement() {
          @Override
          public boolean ask() {
            return true;
          }

          @Override
          public boolean isReplacement(Member member) {
            return member.address().equals(replacementAddress);
          }
        };
    var reports = successor.spawn(Topic.create(NodeReport.class, NodeReport.TOPIC), "reports");
    successor.spawn(NodeReporter.create(reports, successorStatus, Duration.ofMillis(100), 100), "reporter");
    guardian = old.spawn(NodeGuardian.create(settings(), NodeGuardianTest.sandbox(old, engine), new NodeStatus(), replacement), "node");
  }

  @AfterEach
  void stop() {
    successor.shutdownTestKit();
    old.shutdownTestKit();
  }

  /** Quota 4, hard ceiling 2 x 4, a short hand-over. */
  private static NodeSettings settings() {
    return new NodeSettings(
        4, 100, 0, 0, 4, 0.0, 2.0, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(100),
        Duration.ofSeconds(10), Duration.ofMillis(10), 0.75, Duration.ofMillis(200), "127.0.0.1", 0);
  }

  /** Sends {@code n} hello requests to the old node and checks each one is served. */
  private void serve(int n) {
    for (int i = 0; i < n; i++) {
      int id = sent.incrementAndGet();
      var probe = old.<NodeProtocol.Replied>createTestProbe();
      guardian.tell(
          new NodeProtocol.Invoke(
              new Invocation("r" + id, fixtures.url("hello.js"), "GET", "/", "1.1", List.of(), new byte[0]),
              id,
              probe.getRef()));
      assertInstanceOf(NodeProtocol.Accepted.class, probe.receiveMessage(WAIT).reply());
      assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(WAIT).reply()).status());
    }
  }

  /** Registers a stand-in for the replacement's guardian, as gateways would find it. */
  private ActorRef<NodeProtocol.Command> register(String name) {
    ActorRef<NodeProtocol.Command> node = successor.spawn(Behaviors.ignore(), name);
    successor.system().receptionist().tell(Receptionist.register(NodeProtocol.NODE_SERVICE, node));
    return node;
  }

  private void awaitExit() throws Exception {
    old.system().getWhenTerminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void atItsQuotaANodeServesOnUntilItsReplacementIsWarm() throws Exception {
    register("node");
    LoggingTestKit.info("is registered").expect(old.system(), () -> {
      serve(4);
      return null;
    });
    serve(3); // past the quota, below the ceiling: still serving, the replacement is not warm
    LoggingTestKit.info("is warm after 7 requests here").expect(old.system(), () -> {
      successorStatus.warm(true);
      return null;
    });
    awaitExit();
  }

  @Test
  void pastItsCeilingANodeHandsOverToARoutedReplacementThatIsNotWarmYet() throws Exception {
    register("node");
    LoggingTestKit.info("is registered").expect(old.system(), () -> {
      serve(4);
      return null;
    });
    LoggingTestKit.info("routed (not warm yet; past the ceiling) after 8 requests").expect(old.system(), () -> {
      serve(4);
      return null;
    });
    awaitExit();
  }

  @Test
  void aReplacementThatLeavesBeforeTheHandOverIsForgottenAndTheNodeWaitsForTheNext() throws Exception {
    var first = register("node");
    LoggingTestKit.info("is registered").expect(old.system(), () -> {
      serve(4);
      return null;
    });
    LoggingTestKit.warn("has left before the hand-over").expect(old.system(), () -> {
      successor.stop(first);
      return null;
    });
    // Past the ceiling with no replacement: it serves on (a hand-over now would leave no node to route to).
    LoggingTestKit.warn("hard request ceiling of 8 reached").expect(old.system(), () -> {
      serve(4);
      return null;
    });
    serve(2);
    LoggingTestKit.info("routed (not warm yet; past the ceiling) after 10 requests").expect(old.system(), () -> {
      register("next");
      return null;
    });
    awaitExit();
  }
}
