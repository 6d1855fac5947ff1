package dev.renga.node;

import dev.renga.node.testing.TestIsolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.Header;
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
import java.nio.charset.StandardCharsets;
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
class RequestActorTest {
  /** The wall-clock limit in the tests about it; the other tests allow more, so a loaded machine cannot fail them. */
  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  private static final Duration GENEROUS = Duration.ofSeconds(15);
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final FixtureServer fixtures = new FixtureServer();
  private static final JsEngine engine = TestIsolation.engine(0);

  static {
    engine.warmUp(5);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    fixtures.close();
    engine.close();
  }

  private static Sandbox sandbox(boolean allowPrivate, Duration timeout) {
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    return new Sandbox(
        engine,
        new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(2), allowPrivate), testKit.system()),
        new SandboxSettings(timeout, Duration.ofSeconds(5), 512L * 1024 * 1024, 1024 * 1024, allowPrivate, false),
        new RunningTurns(),
        blocking);
  }

  private static NodeProtocol.Reply run(String handlerUrl, String method, String body, boolean allowPrivate) {
    return run(handlerUrl, method, body, allowPrivate, GENEROUS);
  }

  private static NodeProtocol.Reply run(
      String handlerUrl, String method, String body, boolean allowPrivate, Duration timeout) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    var invocation =
        new Invocation(
            "test-" + System.nanoTime(),
            handlerUrl,
            method,
            "/path?q=1",
            "1.1",
            List.of(new Header("host", "example"), new Header("content-type", "text/plain")),
            body.getBytes(StandardCharsets.UTF_8));
    testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox(allowPrivate, timeout)), NodeGuardian.JS_DISPATCHER);
    NodeProtocol.Reply reply = probe.receiveMessage(timeout.plusSeconds(5));
    probe.expectNoMessage(Duration.ofMillis(50));
    return reply;
  }

  private static NodeProtocol.Reply run(String fixture) {
    return run(fixtures.url(fixture), "GET", "", true);
  }

  /** Runs the fixture under the short {@link #TIMEOUT}. */
  private static NodeProtocol.Reply runTimed(String fixture) {
    return run(fixtures.url(fixture), "GET", "", true, TIMEOUT);
  }

  private static NodeProtocol.Completed completed(NodeProtocol.Reply reply) {
    return assertInstanceOf(NodeProtocol.Completed.class, reply, () -> "expected a response, got " + reply);
  }

  private static NodeProtocol.Failed failed(NodeProtocol.Reply reply, ErrorCode code) {
    var failed = assertInstanceOf(NodeProtocol.Failed.class, reply, () -> "expected " + code + ", got " + reply);
    assertEquals(code, failed.error().code(), failed.error().cause());
    return failed;
  }

  private static String body(NodeProtocol.Completed completed) {
    return new String(completed.body(), StandardCharsets.UTF_8);
  }

  /** Every reply of one invocation, up to its final one (Completed, Ended or Failed). */
  private static List<NodeProtocol.Reply> replies(String fixture) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    var invocation =
        new Invocation("test-" + System.nanoTime(), fixtures.url(fixture), "GET", "/s?ms=300", "1.1", List.of(), new byte[0]);
    testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox(true, GENEROUS)), NodeGuardian.JS_DISPATCHER);
    List<NodeProtocol.Reply> replies = new ArrayList<>();
    while (replies.isEmpty()
        || !(replies.getLast() instanceof NodeProtocol.Completed
            || replies.getLast() instanceof NodeProtocol.Ended
            || replies.getLast() instanceof NodeProtocol.Failed)) {
      replies.add(probe.receiveMessage(GENEROUS));
    }
    return replies;
  }

  @Test
  void writesFollowedByAWaitAreStreamedAsHeadChunksAndEnd() {
    List<NodeProtocol.Reply> replies = replies("streams.js");
    var head = assertInstanceOf(NodeProtocol.Head.class, replies.get(0));
    assertEquals(200, head.status());
    assertTrue(head.headers().contains(new Header("content-type", "text/plain")), head.headers().toString());
    List<String> chunks =
        replies.stream()
            .filter(NodeProtocol.Chunk.class::isInstance)
            .map(c -> new String(((NodeProtocol.Chunk) c).data(), StandardCharsets.UTF_8))
            .toList();
    assertEquals(List.of("first\n", "second\ndone\n"), chunks);
    assertEquals(new NodeProtocol.Ended(List.of()), replies.getLast());
  }

  @Test
  void failureAfterTheHeadEndsTheStreamWithFailed() {
    List<NodeProtocol.Reply> replies = replies("streams-then-throws.js");
    assertInstanceOf(NodeProtocol.Head.class, replies.get(0));
    var failed = assertInstanceOf(NodeProtocol.Failed.class, replies.getLast());
    assertEquals(ErrorCode.EXCEPTION, failed.error().code());
    assertTrue(failed.error().cause().contains("broken after the head was sent"), failed.error().cause());
  }

  @Test
  void writesAndEndInOneTurnAreOneCompletedResponse() {
    assertEquals("first\nsecond\n", body(completed(run("writes.js"))));
  }

  @Test
  void helloHandlerAnswersWithItsStatusHeadersAndBody() {
    var response = completed(run("hello.js"));
    assertEquals(200, response.status());
    assertEquals(List.of(new Header("content-type", "text/plain")), response.headers());
    assertEquals("Hello, world!\n", body(response));
  }

  @Test
  void handlerSeesMethodUrlHeadersAndBody() {
    var response = completed(run(fixtures.url("echo.js"), "POST", "hi there", true));
    String json = body(response);
    assertTrue(json.contains("\"method\":\"POST\""), json);
    assertTrue(json.contains("\"url\":\"/path?q=1\""), json);
    assertTrue(json.contains("\"host\":\"example\""), json);
    assertTrue(json.contains("\"body\":\"hi there\""), json);
  }

  @Test
  void requestBodyArrivesAsDataAndEndEventsAndWriteHeadTakesReasonAndHeaderArrays() {
    var response = completed(run(fixtures.url("events.js"), "PUT", "abc", true));
    assertEquals(201, response.status());
    assertEquals(List.of(new Header("x-a", "1"), new Header("x-b", "2")), response.headers());
    assertEquals("abc|text/plain", body(response));
  }

  @Test
  void timersImmediatesTicksAndMicrotasksRunInNodeOrder() {
    assertEquals(
        "[\"tick\",\"microtask\",\"immediate\",\"interval\",\"interval\",\"interval\"]",
        body(completed(run("timers.js"))));
  }

  @Test
  void throwingHandlerGetsExceptionWithItsJsStackAndNoHostDetails() {
    String cause = failed(run("throws.js"), ErrorCode.EXCEPTION).error().cause();
    assertTrue(cause.contains("Error: cannot parse order: nope"), cause);
    assertTrue(cause.contains("throws.js:2"), cause);
    assertFalse(cause.contains("renga:"), cause);
    assertFalse(cause.contains("/work/") || cause.contains(".java"), cause);
  }

  @Test
  void rejectionAfterAnAwaitGetsException() {
    String cause = failed(run("rejects-later.js"), ErrorCode.EXCEPTION).error().cause();
    assertTrue(cause.contains("TypeError: failed after a timer"), cause);
  }

  @Test
  void unhandledRejectionGetsExceptionEvenWhileTimersArePending() {
    String cause = failed(run("unhandled-rejection.js"), ErrorCode.EXCEPTION).error().cause();
    assertTrue(cause.contains("nobody handles this"), cause);
  }

  @Test
  void syntaxErrorGetsCompileErrorWithTheLineOfTheFile() {
    String cause = failed(run("syntax-error.js"), ErrorCode.COMPILE_ERROR).error().cause();
    assertTrue(cause.contains("syntax-error.js:2:"), cause);
    assertFalse(cause.contains("async function (req, res)"), cause);
  }

  @Test
  void infiniteLoopIsCancelledAtTheTimeoutAndTheNextRequestIsServed() {
    long start = System.nanoTime();
    String cause = failed(runTimed("loop.js"), ErrorCode.TIMEOUT).error().cause();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(cause.contains("time limit of 1500ms"), cause);
    assertTrue(took.compareTo(TIMEOUT.plusSeconds(3)) < 0, "cancelled after " + took);
    assertEquals(200, completed(run("hello.js")).status());
  }

  @Test
  void handlerThatEndsNothingAndWaitsOnNothingGetsNoResponseAtOnce() {
    long start = System.nanoTime();
    failed(run("never-ends.js"), ErrorCode.NO_RESPONSE);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(TIMEOUT) < 0);
  }

  @Test
  void handlerThatKeepsATimerButNeverEndsGetsTimeout() {
    failed(runTimed("waits-forever.js"), ErrorCode.TIMEOUT);
  }

  @Test
  void handlerThatReplacesTheBuiltinsRengaUsesStillGetsItsWholeAnswerOut() {
    var completed = completed(run("override-builtins.js"));
    assertEquals("set", body(completed));
    assertEquals(200, completed.status());
    // context: every replacement lands in the request's own realm; scope: the frozen realm refuses every one.
    String replaced = TestIsolation.scope() ? "0" : "35";
    String refused = TestIsolation.scope() ? "35" : "0";
    assertTrue(completed.headers().contains(new Header("X-Replaced", replaced)), completed.headers().toString());
    assertTrue(completed.headers().contains(new Header("X-Refused", refused)), completed.headers().toString());
    assertEquals(200, completed(run("hello.js")).status());
  }

  @Test
  void handlerHasNoHostAccess() {
    String json = body(completed(run("isolation.js")));
    for (String probe : List.of("Java", "Polyglot", "Graal", "load", "print", "require", "packages")) {
      assertTrue(
          json.contains("\"" + probe + "\":\"absent\"") || json.contains("\"" + probe + "\":\"refused\""),
          probe + " reachable: " + json);
    }
  }

  @Test
  void nothingAHandlerLeavesBehindIsVisibleToTheNextRequest() {
    String first = body(completed(run("leaves-state.js")));
    String second = body(completed(run("leaves-state.js")));
    assertEquals("{\"global\":\"undefined\",\"proto\":\"undefined\"}", first);
    assertEquals(first, second);
  }

  @Test
  void missingHandlerGetsFetchFailedWithTheStatus() {
    String cause = failed(run("does-not-exist.js"), ErrorCode.HANDLER_FETCH_FAILED).error().cause();
    assertTrue(cause.contains("404"), cause);
  }

  @Test
  void handlerLargerThanTheLimitGetsHandlerTooLarge() {
    failed(run(fixtures.base() + "/big.js", "GET", "", true), ErrorCode.HANDLER_TOO_LARGE);
  }

  @Test
  void threeRedirectsAreFollowedAndAFourthFails() {
    assertEquals(200, completed(run(fixtures.base() + "/redirect/3/hello.js", "GET", "", true)).status());
    failed(run(fixtures.base() + "/redirect/4/hello.js", "GET", "", true), ErrorCode.HANDLER_FETCH_FAILED);
  }

  @Test
  void loopbackHandlerUrlIsForbiddenUnlessPrivateNetworksAreAllowed() {
    failed(run(fixtures.url("hello.js"), "GET", "", false), ErrorCode.HANDLER_FORBIDDEN);
  }

  @Test
  void metadataAddressIsAlwaysForbidden() {
    failed(run("http://169.254.169.254/latest/meta-data/", "GET", "", true), ErrorCode.HANDLER_FORBIDDEN);
  }
}
