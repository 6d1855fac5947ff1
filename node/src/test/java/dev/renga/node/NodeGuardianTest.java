package dev.renga.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.sandbox.JsEngine;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class NodeGuardianTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final FixtureServer fixtures = new FixtureServer();
  private static final JsEngine engine = new JsEngine();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    fixtures.close();
    engine.close();
  }

  @Test
  void throwingRequestsNeverDisturbTheGoodOnesRunningBesideThem() {
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    var sandbox =
        new Sandbox(
            engine,
            new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(2), true), blocking),
            new SandboxSettings(Duration.ofSeconds(5), 1024 * 1024, true),
            blocking);
    var guardian = testKit.spawn(NodeGuardian.create(sandbox));
    List<TestProbe<NodeProtocol.Reply>> good = new ArrayList<>();
    List<TestProbe<NodeProtocol.Reply>> bad = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      good.add(invoke(guardian, "hello.js", i));
      bad.add(invoke(guardian, "throws.js", i));
    }
    for (var probe : good) {
      assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(10))).status());
    }
    for (var probe : bad) {
      var failed = assertInstanceOf(NodeProtocol.Failed.class, probe.receiveMessage(Duration.ofSeconds(10)));
      assertEquals(ErrorCode.EXCEPTION, failed.error().code());
    }
  }

  private TestProbe<NodeProtocol.Reply> invoke(
      org.apache.pekko.actor.typed.ActorRef<NodeProtocol.Command> guardian, String fixture, int i) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    guardian.tell(
        new NodeProtocol.Invoke(
            new Invocation("r" + i + fixture, fixtures.url(fixture), "GET", "/", "1.1", List.of(), new byte[0]),
            probe.getRef()));
    return probe;
  }
}
