package dev.renga.node;

import dev.renga.node.testing.TestIsolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import dev.renga.node.testing.FixtureServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class NodeGuardianTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final FixtureServer fixtures = new FixtureServer();
  private static final JsEngine engine = TestIsolation.engine(0);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    fixtures.close();
    engine.close();
  }

  static NodeSettings settings(long maxRequests) {
    return settings(maxRequests, 1000);
  }

  static NodeSettings settings(long maxRequests, int maxConcurrent) {
    return new NodeSettings(
        4, maxConcurrent, 0, 0, maxRequests, 0.0, 2.0, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(10),
        Duration.ofMillis(10), 0.75, Duration.ofSeconds(1), "127.0.0.1", 0);
  }

  private static Sandbox sandbox(ActorTestKit testKit) {
    return sandbox(testKit, engine);
  }

  /** A sandbox on {@code engine} with the test's settings, blocking work on the kit's blocking dispatcher. */
  static Sandbox sandbox(ActorTestKit testKit, JsEngine engine) {
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    return new Sandbox(
            engine,
            new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(2), true), testKit.system()),
            // A first request in a cold JVM (interpreted GraalJS, the first scope context frozen) takes seconds.
            new SandboxSettings(Duration.ofSeconds(30), Duration.ofSeconds(5), 512L * 1024 * 1024, 1024 * 1024, true, false),
            new RunningTurns(),
            blocking);
  }

  @Test
  void throwingRequestsNeverDisturbTheGoodOnesRunningBesideThem() {
    var guardian = testKit.spawn(NodeGuardian.create(settings(0), sandbox(testKit), new NodeStatus()));
    List<TestProbe<NodeProtocol.Reply>> good = new ArrayList<>();
    List<TestProbe<NodeProtocol.Reply>> bad = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      good.add(invoke(guardian, "hello.js", i));
      bad.add(invoke(guardian, "throws.js", i));
    }
    for (var probe : good) {
      assertInstanceOf(NodeProtocol.Accepted.class, probe.receiveMessage(Duration.ofSeconds(10)));
      assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(10))).status());
    }
    for (var probe : bad) {
      assertInstanceOf(NodeProtocol.Accepted.class, probe.receiveMessage(Duration.ofSeconds(10)));
      var failed = assertInstanceOf(NodeProtocol.Failed.class, probe.receiveMessage(Duration.ofSeconds(10)));
      assertEquals(ErrorCode.EXCEPTION, failed.error().code());
    }
  }

  @Test
  void afterItsQuotaANodeRefusesNewWorkFinishesWhatItStartedAndShutsDown() throws Exception {
    ActorTestKit own =
        ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
    try {
      NodeStatus status = new NodeStatus();
      var guardian = own.spawn(NodeGuardian.create(settings(3), sandbox(own), status));
      List<TestProbe<NodeProtocol.Reply>> accepted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        accepted.add(invoke(own, guardian, "hello.js", i));
      }
      TestProbe<NodeProtocol.Reply> refused = invoke(own, guardian, "hello.js", 99);
      assertInstanceOf(NodeProtocol.NotAccepted.class, refused.receiveMessage(Duration.ofSeconds(5)));
      for (var probe : accepted) {
        assertInstanceOf(NodeProtocol.Accepted.class, probe.receiveMessage(Duration.ofSeconds(5)));
        assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(10))).status());
      }
      own.system().getWhenTerminated().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(NodeStatus.State.DRAINING, status.state());
      assertEquals(0, status.inFlight());
    } finally {
      own.shutdownTestKit();
    }
  }

  @Test
  void nodeAtItsCapacityRefusesNewWorkUntilARequestEnds() {
    var guardian = testKit.spawn(NodeGuardian.create(settings(0, 2), sandbox(testKit), new NodeStatus()));
    List<TestProbe<NodeProtocol.Reply>> running = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      running.add(invoke(testKit, guardian, "slow.js", "/?ms=1000", i));
      assertInstanceOf(NodeProtocol.Accepted.class, running.get(i).receiveMessage(Duration.ofSeconds(5)));
    }
    var refused = invoke(guardian, "hello.js", 2);
    var notAccepted = assertInstanceOf(NodeProtocol.NotAccepted.class, refused.receiveMessage(Duration.ofSeconds(5)));
    assertTrue(notAccepted.reason().contains("capacity"), notAccepted.reason());
    for (var probe : running) {
      assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(10)));
    }
    // The guardian counts a request as ended when its actor has stopped, a moment after the reply.
    var later = testKit.<NodeProtocol.Reply>createTestProbe();
    later.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          var probe = invoke(guardian, "hello.js", 3);
          assertInstanceOf(NodeProtocol.Accepted.class, probe.receiveMessage(Duration.ofSeconds(5)));
          return null;
        });
  }

  private TestProbe<NodeProtocol.Reply> invoke(
      org.apache.pekko.actor.typed.ActorRef<NodeProtocol.Command> guardian, String fixture, int i) {
    return invoke(testKit, guardian, fixture, i);
  }

  private static TestProbe<NodeProtocol.Reply> invoke(
      ActorTestKit testKit, org.apache.pekko.actor.typed.ActorRef<NodeProtocol.Command> guardian, String fixture, int i) {
    return invoke(testKit, guardian, fixture, "/", i);
  }

  private static TestProbe<NodeProtocol.Reply> invoke(
      ActorTestKit testKit,
      org.apache.pekko.actor.typed.ActorRef<NodeProtocol.Command> guardian,
      String fixture,
      String url,
      int i) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    // The replies come tagged with the invocation's id; the tests look at the replies themselves.
    var unwrap =
        testKit.spawn(
            Behaviors.<NodeProtocol.Replied>receiveMessage(
                replied -> {
                  assertEquals(i, replied.id());
                  probe.getRef().tell(replied.reply());
                  return Behaviors.same();
                }));
    guardian.tell(
        new NodeProtocol.Invoke(
            new Invocation("r" + i + fixture, fixtures.url(fixture), "GET", url, "1.1", List.of(), new byte[0]),
            i,
            unwrap));
    return probe;
  }
}
