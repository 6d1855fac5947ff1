package dev.renga.node.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.renga.core.ErrorCode;
import dev.renga.core.Header;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.node.NodeGuardian;
import dev.renga.node.RequestActor;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.DispatcherSelector;

/** Runs one request through a real {@link RequestActor} on the JS dispatcher and returns its one reply. */
public final class HandlerRunner {
  private final ActorTestKit testKit;
  private final Sandbox sandbox;

  public HandlerRunner(ActorTestKit testKit, Sandbox sandbox) {
    this.testKit = testKit;
    this.sandbox = sandbox;
  }

  /** What tests fetch handlers with: up to 100 KB, 3 redirects, 2 s, loopback allowed. */
  public static HandlerSettings loopbackHandlers() {
    return new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(2), true);
  }

  /**
   * A runner over a sandbox of {@code engine} with the tests' usual limits: {@code timeLimit} of wall-clock and of CPU
   * per request, 512 MB of allocation, 1 MB responses, private addresses allowed.
   */
  public static HandlerRunner of(ActorTestKit testKit, JsEngine engine, HandlerSettings handlers, Duration timeLimit) {
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    return new HandlerRunner(
        testKit,
        new Sandbox(
            engine,
            new HandlerFetcher(handlers, testKit.system()),
            new SandboxSettings(timeLimit, timeLimit, 512L * 1024 * 1024, 1024 * 1024, true, false),
            new RunningTurns(),
            blocking));
  }

  public NodeProtocol.Reply run(String handlerUrl, String method, byte[] body, List<Header> headers) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    var invocation =
        new Invocation("test-" + System.nanoTime(), handlerUrl, method, "/path?q=1", "1.1", headers, body);
    testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox), NodeGuardian.JS_DISPATCHER);
    NodeProtocol.Reply reply = probe.receiveMessage(sandbox.settings().requestTimeout().plusSeconds(5));
    probe.expectNoMessage(Duration.ofMillis(20));
    return reply;
  }

  public NodeProtocol.Reply run(String handlerUrl) {
    return run(handlerUrl, "GET", new byte[0], List.of(new Header("host", "example")));
  }

  public static NodeProtocol.Completed completed(NodeProtocol.Reply reply) {
    return assertInstanceOf(NodeProtocol.Completed.class, reply, () -> "expected a response, got " + reply);
  }

  public static NodeProtocol.Failed failed(NodeProtocol.Reply reply, ErrorCode code) {
    var failed = assertInstanceOf(NodeProtocol.Failed.class, reply, () -> "expected " + code + ", got " + reply);
    assertEquals(code, failed.error().code(), failed.error().cause());
    return failed;
  }

  public static String body(NodeProtocol.Reply reply) {
    return new String(completed(reply).body(), StandardCharsets.UTF_8);
  }
}
