package dev.renga.node.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.Header;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.node.NodeGuardian;
import dev.renga.node.RequestActor;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.testing.FixtureServer;
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

/**
 * Isolation {@code scope} when requests share a handler's context: stopping one of them leaves the others running,
 * and a context that had to be closed costs only the requests in it.
 */
@ExtendWith(LogCapturingExtension.class)
class ScopeIsolationTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final FixtureServer fixtures = new FixtureServer();
  /** One context per handler, so concurrent requests of one handler share it. */
  private static final JsEngine engine =
      new JsEngine(0, new Isolation.Settings(Isolation.Level.SCOPE, 1, 16, 0, 1_000_000), true);

  static {
    engine.warmUp(3);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    fixtures.close();
    engine.close();
  }

  private static Sandbox sandbox(Duration timeout) {
    return sandbox(engine, timeout);
  }

  private static Sandbox sandbox(JsEngine engine, Duration timeout) {
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    return new Sandbox(
        engine,
        new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(2), true), testKit.system()),
        new SandboxSettings(timeout, Duration.ofSeconds(30), 512L * 1024 * 1024, 1024 * 1024, true, true),
        new RunningTurns(),
        blocking);
  }

  /**
   * Starts one request of shared-context.js (as handler {@code variant}: each test has a handler of its own) at
   * {@code path}; its reply arrives on the returned probe.
   */
  private static TestProbe<NodeProtocol.Reply> start(String variant, String path, int waitMillis, Duration timeout) {
    var wait = List.of(new Header("x-wait", String.valueOf(waitMillis)));
    return request(fixtures.url("shared-context.js") + "?" + variant, path, wait, sandbox(timeout));
  }

  /** One GET of handler {@code url} at {@code path} in {@code sandbox}; its reply comes to the returned probe. */
  private static TestProbe<NodeProtocol.Reply> request(String url, String path, List<Header> headers, Sandbox sandbox) {
    TestProbe<NodeProtocol.Reply> probe = testKit.createTestProbe();
    var invocation = new Invocation("test-" + System.nanoTime(), url, "GET", path, "1.1", headers, new byte[0]);
    testKit.spawn(RequestActor.create(invocation, probe.getRef(), sandbox), NodeGuardian.JS_DISPATCHER);
    return probe;
  }

  private static int contexts() {
    return ((ScopeIsolation) engine.isolation()).contexts();
  }

  /** Waits until the request streamed its first chunk: it runs, in its handler's context. */
  private static void awaitStarted(TestProbe<NodeProtocol.Reply> probe) {
    assertInstanceOf(NodeProtocol.Head.class, probe.receiveMessage(Duration.ofSeconds(30)));
    assertInstanceOf(NodeProtocol.Chunk.class, probe.receiveMessage(Duration.ofSeconds(5)));
  }

  /** The rest of a streamed response that started: its last chunk's text, once it ended. */
  private static String ending(TestProbe<NodeProtocol.Reply> probe) {
    var chunk = assertInstanceOf(NodeProtocol.Chunk.class, probe.receiveMessage(Duration.ofSeconds(15)));
    assertInstanceOf(NodeProtocol.Ended.class, probe.receiveMessage(Duration.ofSeconds(5)));
    return new String(chunk.data(), StandardCharsets.UTF_8);
  }

  @Test
  void requestsQueuedForABusyContextEachRunWhenItFrees() {
    List<TestProbe<NodeProtocol.Reply>> probes = new java.util.ArrayList<>();
    for (int i = 0; i < 24; i++) {
      probes.add(start("spin", "/spin", 0, Duration.ofSeconds(30)));
    }
    // One context, 24 requests that each hold it for 20 ms: every turn that found it busy was woken and ran.
    for (TestProbe<NodeProtocol.Reply> probe : probes) {
      var completed = assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(40)));
      assertEquals("spun", new String(completed.body(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void loopStoppedByItsTimeLimitLeavesTheOtherRequestsOfItsContextRunning() {
    int before = contexts();
    TestProbe<NodeProtocol.Reply> waiting = start("loop", "/wait", 2500, Duration.ofSeconds(20));
    awaitStarted(waiting);
    TestProbe<NodeProtocol.Reply> looping = start("loop", "/loop", 0, Duration.ofSeconds(1));
    var failed = assertInstanceOf(NodeProtocol.Failed.class, looping.receiveMessage(Duration.ofSeconds(15)));
    assertEquals(ErrorCode.TIMEOUT, failed.error().code(), failed.error().cause());
    assertEquals(before + 1, contexts(), "both requests ran in the handler's one context");
    // The loop was interrupted, not its context closed: the waiting request still answers from it.
    assertEquals("waited /wait", ending(waiting));
    TestProbe<NodeProtocol.Reply> again = start("loop", "/again", 0, Duration.ofSeconds(20));
    awaitStarted(again);
    assertEquals("waited /again", ending(again));
    assertEquals(before + 1, contexts());
  }

  @Test
  void requestDeafToInterruptsClosesItsContextAndOnlyItsNeighboursThereAreLost() {
    // The neighbour's timer fires long after the context was closed (time limit 5 s + 2 s for the interrupt).
    TestProbe<NodeProtocol.Reply> waiting = start("block", "/wait", 9_000, Duration.ofSeconds(60));
    awaitStarted(waiting);
    TestProbe<NodeProtocol.Reply> blocked = start("block", "/block", 0, Duration.ofSeconds(5));
    awaitStarted(blocked);
    var stopped = assertInstanceOf(NodeProtocol.Failed.class, blocked.receiveMessage(Duration.ofSeconds(40)));
    assertEquals(ErrorCode.TIMEOUT, stopped.error().code(), stopped.error().cause());
    var lost = assertInstanceOf(NodeProtocol.Failed.class, waiting.receiveMessage(Duration.ofSeconds(40)));
    assertEquals(ErrorCode.EXCEPTION, lost.error().code());
    assertTrue(lost.error().cause().contains("its context was closed"), lost.error().cause());
    // The next request of the handler gets a fresh context.
    TestProbe<NodeProtocol.Reply> after = start("block", "/after", 0, Duration.ofSeconds(20));
    awaitStarted(after);
    assertEquals("waited /after", ending(after));
  }

  @Test
  void whatAStoppedRequestHeldIsNotKeptByItsContext() {
    long before = heapAfterCollection();
    int contexts = contexts();
    // 96 MiB each: one held by a closure its pending timer keeps, stopped while it waits; one held by the handler's
    // own frame, interrupted mid-turn. Each context stays open for its handler's next request.
    var waiting = run("hoards-then-waits.js", "/", Duration.ofSeconds(1));
    var spinning = run("hoards-then-spins.js", "/spin", Duration.ofSeconds(1));
    for (var probe : List.of(waiting, spinning)) {
      var failed = assertInstanceOf(NodeProtocol.Failed.class, probe.receiveMessage(Duration.ofSeconds(15)));
      assertEquals(ErrorCode.TIMEOUT, failed.error().code(), failed.error().cause());
    }
    assertEquals(contexts + 2, contexts(), "stopped by interrupts, their contexts still open");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long held;
    while ((held = heapAfterCollection() - before) > 48L << 20 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(held <= 48L << 20, "still held after both requests were stopped: " + (held >> 20) + " MiB");
    var next = run("hoards-then-spins.js", "/", Duration.ofSeconds(10));
    var completed = assertInstanceOf(NodeProtocol.Completed.class, next.receiveMessage(Duration.ofSeconds(15)));
    assertEquals("ok", new String(completed.body(), StandardCharsets.UTF_8));
  }

  private static long heapAfterCollection() {
    System.gc();
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Starts one request of fixture {@code file} at {@code path}; its reply arrives on the returned probe. */
  private static TestProbe<NodeProtocol.Reply> run(String file, String path, Duration timeout) {
    return request(fixtures.url(file), path, List.of(), sandbox(timeout));
  }

  /** Runs hello.js as handler {@code variant} (its own URL, so its own handler) on {@code engine}; it must answer. */
  private static void hello(JsEngine engine, String variant) {
    var probe = request(helloUrl(variant), "/", List.of(), sandbox(engine, Duration.ofSeconds(30)));
    var completed = assertInstanceOf(NodeProtocol.Completed.class, probe.receiveMessage(Duration.ofSeconds(30)));
    assertEquals("Hello, world!\n", new String(completed.body(), StandardCharsets.UTF_8));
  }

  private static String helloUrl(String variant) {
    return fixtures.url("hello.js") + "?" + variant;
  }

  /** Waits until no request is in any of {@code scope}'s contexts (a request leaves its context after it answered). */
  private static void awaitIdle(ScopeIsolation scope) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (scope.activeRequests() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, scope.activeRequests());
  }

  /** The handlers (by variant) still open must be the most recently used of {@code order}, in that order. */
  private static void assertMostRecentlyUsedStayOpen(List<String> order, List<String> open) {
    List<String> urls = order.stream().map(ScopeIsolationTest::helloUrl).toList();
    assertEquals(urls.subList(urls.size() - open.size(), urls.size()), open, "open handlers are the most recent ones");
  }

  @Test
  void beyondMaxContextsTheLeastRecentlyUsedHandlersContextsClose() {
    JsEngine bounded = new JsEngine(0, new Isolation.Settings(Isolation.Level.SCOPE, 1, 3, 0, 1_000_000), false);
    try {
      ScopeIsolation scope = (ScopeIsolation) bounded.isolation();
      List<String> order = new java.util.ArrayList<>();
      for (String variant : List.of("c0", "c1", "c2", "c3", "c1", "c4")) {
        hello(bounded, variant);
        order.remove(variant);
        order.add(variant);
      }
      awaitIdle(scope);
      assertEquals(3, scope.contexts());
      // c0 went first (least recently used), then c2: c1 was used again after c2.
      assertMostRecentlyUsedStayOpen(order, scope.handlersWithContexts());
      assertEquals(List.of(helloUrl("c3"), helloUrl("c1"), helloUrl("c4")), scope.handlersWithContexts());
      assertEquals(0, bounded.scopeContextsClosedForMemory());
    } finally {
      bounded.close();
    }
  }

  @Test
  void aboveTheMemoryBoundContextsStopGrowingAndTheLeastRecentlyUsedCloseWhileRequestsAreAnswered() {
    // The old generation's fill after a collection, as the test sets it (the node reads OldGeneration.afterCollection).
    java.util.concurrent.atomic.AtomicReference<Double> heap = new java.util.concurrent.atomic.AtomicReference<>(0.1);
    JsEngine bounded =
        new JsEngine(0, new Isolation.Settings(Isolation.Level.SCOPE, 1, 100, 0.5, 1_000_000), false, heap::get);
    try {
      ScopeIsolation scope = (ScopeIsolation) bounded.isolation();
      List<String> order = new java.util.ArrayList<>();
      // Below the bound: one context per handler, as many as there are handlers.
      for (int i = 0; i < 8; i++) {
        hello(bounded, "m" + i);
        order.add("m" + i);
      }
      awaitIdle(scope);
      assertEquals(8, scope.contexts());
      assertEquals(8, bounded.scopeContexts());

      // Above it: every new handler's context takes an idle one's place (least recently used first), and the end of a
      // request may close a quarter of them besides; every request is still answered.
      heap.set(0.9);
      for (int i = 8; i < 14; i++) {
        hello(bounded, "m" + i);
        order.add("m" + i);
        assertTrue(scope.contexts() <= 8, "no growth above the memory bound: " + scope.contexts());
      }
      long closed = bounded.scopeContextsClosedForMemory();
      assertTrue(closed >= 6, "closed for memory: " + closed);
      List<String> open = scope.handlersWithContexts();
      assertTrue(open.contains(helloUrl("m13")), open.toString());
      assertMostRecentlyUsedStayOpen(order, open);
      // A handler whose context was closed is answered from a new one.
      hello(bounded, "m0");
      order.remove("m0");
      order.add("m0");
      awaitIdle(scope);
      assertMostRecentlyUsedStayOpen(order, scope.handlersWithContexts());
      assertTrue(bounded.scopeContextsClosedForMemory() > closed, "m0's new context took an idle one's place");
      int before = scope.contexts();
      long closedBefore = bounded.scopeContextsClosedForMemory();
      int gaveBack = scope.giveBackMemory();
      assertEquals(Math.max(1, before / 4), gaveBack, "a quarter of the idle contexts");
      assertEquals(before - gaveBack, scope.contexts());
      assertEquals(closedBefore + gaveBack, bounded.scopeContextsClosedForMemory());
      assertMostRecentlyUsedStayOpen(order, scope.handlersWithContexts());

      // Below it again: contexts are added again.
      heap.set(0.1);
      int now = scope.contexts();
      hello(bounded, "m20");
      hello(bounded, "m21");
      awaitIdle(scope);
      assertEquals(now + 2, scope.contexts());
      assertEquals(0, scope.giveBackMemory());
    } finally {
      bounded.close();
    }
  }
}
