package dev.renga.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.NodeReport;
import dev.renga.core.RengaConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How an invocation finds its way to a node and back when nodes drain, leave, die or are missing. */
@ExtendWith(LogCapturingExtension.class)
class InvocationRoutingTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final Quarantine quarantine = new Quarantine(2, Duration.ofMinutes(1), Duration.ofMinutes(1));
  private static final Invocation invocation =
      new Invocation("r1", "http://h/a.js", "GET", "/", "1.1", List.of(), new byte[0]);
  /** For tests where nodes must differ by address (probes of one test kit share theirs). */
  private static final StandInNodes nodes = new StandInNodes("invocation-node", 2);

  @AfterAll
  static void stop() {
    nodes.close();
    testKit.shutdownTestKit();
  }

  private record Setup(
      NodeRouter router,
      InFlightInvocations inFlight,
      CompletableFuture<Invocations.Answer> result,
      ActorRef<Invocations.Command> invocations) {}

  private static Setup start(Duration queueTimeout, List<ActorRef<NodeProtocol.Command>> nodes) {
    var inFlight = new InFlightInvocations();
    var router = new NodeRouter(10, inFlight, RoutingSettings.DEFAULTS);
    router.update(nodes);
    return spawn(router, inFlight, queueTimeout);
  }

  /** {@code invocation} started over this router, with a node timeout of 5 s. */
  private static Setup spawn(NodeRouter router, InFlightInvocations inFlight, Duration queueTimeout) {
    return spawn(router, inFlight, Duration.ofSeconds(5), queueTimeout);
  }

  private static Setup spawn(NodeRouter router, InFlightInvocations inFlight, Duration nodeTimeout, Duration queueTimeout) {
    var result = new CompletableFuture<Invocations.Answer>();
    var invocations =
        testKit.spawn(
            Invocations.create(
                new Invocations.Routing(router, inFlight, quarantine, nodeTimeout, queueTimeout),
                new TenantShares(router, RoutingSettings.DEFAULTS)));
    invocations.tell(new Invocations.Start(invocation, result));
    return new Setup(router, inFlight, result, invocations);
  }

  /** What a node does: a reply tagged with the attempt's id. */
  private static void reply(NodeProtocol.Invoke invoke, NodeProtocol.Reply reply) {
    invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), reply));
  }

  private static NodeProtocol.Reply await(CompletableFuture<Invocations.Answer> result) throws Exception {
    return result.get(5, TimeUnit.SECONDS).reply();
  }

  private static ErrorCode errorOf(NodeProtocol.Reply reply) {
    return assertInstanceOf(NodeProtocol.Failed.class, reply).error().code();
  }

  @Test
  void requestANodeDidNotAcceptGoesToAnotherNode() throws Exception {
    TestProbe<NodeProtocol.Command> draining = testKit.createTestProbe();
    TestProbe<NodeProtocol.Command> healthy = testKit.createTestProbe();
    var setup = start(Duration.ofSeconds(1), List.of(draining.getRef()));
    var invoke = draining.expectMessageClass(NodeProtocol.Invoke.class);
    // The other node is known before the refusal arrives (waiting for a node to appear has its own test).
    setup.router().update(List.of(draining.getRef(), healthy.getRef()));
    reply(invoke, new NodeProtocol.NotAccepted("draining"));
    reply(healthy.expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
    draining.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void requestNotYetAcceptedByANodeThatIsGoneGoesToTheNextNode() throws Exception {
    TestProbe<NodeProtocol.Command> lost = nodes.probe(0);
    TestProbe<NodeProtocol.Command> fresh = nodes.probe(1);
    var setup = start(Duration.ofSeconds(3), List.of(lost.getRef()));
    lost.expectMessageClass(NodeProtocol.Invoke.class);
    setup.inFlight().nodeGone(nodes.address(0));
    setup.router().update(List.of(fresh.getRef()));
    reply(fresh.expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
  }

  @Test
  void lateReplyFromTheNodeOfAnEarlierAttemptIsNotTakenForTheCurrentNodes() throws Exception {
    TestProbe<NodeProtocol.Command> paused = nodes.probe(0);
    TestProbe<NodeProtocol.Command> other = nodes.probe(1);
    var setup = start(Duration.ofSeconds(1), List.of(paused.getRef()));
    var first = paused.expectMessageClass(NodeProtocol.Invoke.class);
    setup.router().update(List.of(paused.getRef(), other.getRef()));
    setup.inFlight().nodeUnreachable(nodes.address(0));
    var second = other.expectMessageClass(NodeProtocol.Invoke.class);
    // The paused node comes back and works off its mailbox: it runs the request, then refuses, too late for both.
    reply(first, new NodeProtocol.Completed(500, List.of(), new byte[0]));
    reply(first, new NodeProtocol.NotAccepted("draining"));
    reply(second, new NodeProtocol.Accepted());
    reply(second, new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
  }

  @Test
  void nodeKnownGoneGetsNothingUntilANewJvmJoinsAtItsAddress() throws Exception {
    TestProbe<NodeProtocol.Command> restarted = nodes.probe(0);
    var inFlight = new InFlightInvocations();
    var router = new NodeRouter(10, inFlight, RoutingSettings.DEFAULTS);
    // The node left (recycle) and the router's listing still has it at that address.
    inFlight.nodeGone(nodes.address(0));
    router.update(List.of(restarted.getRef()));
    var setup = spawn(router, inFlight, Duration.ofSeconds(5));
    restarted.expectNoMessage(Duration.ofMillis(200));
    // A new JVM joined on the same host and port (NodeDirectory: MemberUp), then registered (a new listing).
    inFlight.nodeBack(nodes.address(0));
    router.update(List.of(restarted.getRef()));
    reply(restarted.expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
  }

  @Test
  void requestAcceptedByANodeThatIsGoneGets502NodeLost() throws Exception {
    TestProbe<NodeProtocol.Command> node = testKit.createTestProbe();
    TestProbe<NodeProtocol.Command> other = testKit.createTestProbe();
    var setup = start(Duration.ofSeconds(1), List.of(node.getRef()));
    var invoke = node.expectMessageClass(NodeProtocol.Invoke.class);
    setup.router().update(List.of(node.getRef(), other.getRef()));
    // Both reach the actor's one mailbox in the order sent: Accepted first, then the node is gone.
    reply(invoke, new NodeProtocol.Accepted());
    setup.inFlight().nodeGone(node.getRef().path().address());
    assertEquals(ErrorCode.NODE_LOST, errorOf(await(setup.result())));
    assertTrue(quarantine.remaining(invocation.handlerUrl()).isEmpty(), "one node loss does not quarantine");
    other.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void requestAcceptedByAnUnreachableNodeWaitsAndCompletesWhenTheNodeAnswersAgain() throws Exception {
    TestProbe<NodeProtocol.Command> paused = testKit.createTestProbe();
    TestProbe<NodeProtocol.Command> other = testKit.createTestProbe();
    var setup = start(Duration.ofSeconds(1), List.of(paused.getRef()));
    var invoke = paused.expectMessageClass(NodeProtocol.Invoke.class);
    setup.router().update(List.of(paused.getRef(), other.getRef()));
    reply(invoke, new NodeProtocol.Accepted());
    // A long GC pause: the failure detector gives up on the node, which then answers after all.
    setup.inFlight().nodeUnreachable(paused.getRef().path().address());
    other.expectNoMessage(Duration.ofMillis(200));
    assertTrue(!setup.result().isDone(), "the request waits for the node that runs it");
    reply(invoke, new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
  }

  @Test
  void requestNotYetAcceptedByAnUnreachableNodeGoesToAnotherNode() throws Exception {
    TestProbe<NodeProtocol.Command> silent = testKit.createTestProbe();
    TestProbe<NodeProtocol.Command> other = testKit.createTestProbe();
    var setup = start(Duration.ofSeconds(1), List.of(silent.getRef()));
    silent.expectMessageClass(NodeProtocol.Invoke.class);
    setup.router().update(List.of(silent.getRef(), other.getRef()));
    setup.inFlight().nodeUnreachable(silent.getRef().path().address());
    reply(other.expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
  }

  @Test
  void streamedResponseCountsAsInFlightUntilItsLastChunkIsWritten() throws Exception {
    TestProbe<NodeProtocol.Command> node = testKit.createTestProbe();
    var setup = start(Duration.ofSeconds(1), List.of(node.getRef()));
    var invoke = node.expectMessageClass(NodeProtocol.Invoke.class);
    reply(invoke, new NodeProtocol.Accepted());
    reply(invoke, new NodeProtocol.Head(200, "OK", List.of()));
    var body = setup.result().get(5, TimeUnit.SECONDS).body().orElseThrow();
    reply(invoke, new NodeProtocol.Chunk("streamed".getBytes(StandardCharsets.UTF_8)));
    reply(invoke, new NodeProtocol.Ended(List.of()));
    // The node is done and the invocation over, but the client has read nothing yet: a stopping gateway must still
    // wait for this response.
    TestProbe<Object> watcher = testKit.createTestProbe();
    watcher.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(0, setup.inFlight().count(node.getRef().path().address()), "the invocation is over on the node");
      return null;
    });
    assertTrue(!setup.inFlight().isEmpty(), "a streamed response not yet written counts as in flight");
    var chunks = body.runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals("streamed", chunks.get(0).data().utf8String());
    watcher.awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(setup.inFlight().isEmpty(), "still in flight after its last chunk");
      return null;
    });
  }

  @Test
  void requestWaitsForANodeToAppear() throws Exception {
    var setup = start(Duration.ofSeconds(5), List.of());
    TestProbe<NodeProtocol.Command> late = testKit.createTestProbe();
    setup.router().update(List.of(late.getRef()));
    reply(late.expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(201, List.of(), new byte[0]));
    assertEquals(201, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
  }

  @Test
  void requestThatFindsNoNodeWithinTheQueueTimeoutGets503NoCapacity() throws Exception {
    var setup = start(Duration.ofMillis(200), List.of());
    assertEquals(ErrorCode.NO_CAPACITY, errorOf(await(setup.result())));
  }

  @Test
  void nodeThatNeverAnswersGets502NodeLostAfterTheNodeTimeout() throws Exception {
    TestProbe<NodeProtocol.Command> silent = testKit.createTestProbe();
    var inFlight = new InFlightInvocations();
    var router = new NodeRouter(10, inFlight, RoutingSettings.DEFAULTS);
    router.update(List.of(silent.getRef()));
    var setup = spawn(router, inFlight, Duration.ofMillis(200), Duration.ofSeconds(1));
    silent.expectMessageClass(NodeProtocol.Invoke.class);
    assertEquals(ErrorCode.NODE_LOST, errorOf(await(setup.result())));
  }

  /** One node with the given capacity, as its report says; nothing running on it yet. */
  private static Setup startWithCapacity(
      TestProbe<NodeProtocol.Command> node, int capacity, Duration queueTimeout, long occupant) {
    var inFlight = new InFlightInvocations();
    var router = new NodeRouter(10, inFlight, RoutingSettings.DEFAULTS);
    router.update(List.of(node.getRef()));
    var address = node.getRef().path().address();
    router.reported(address, new NodeReport(address.toString(), "up", 0, 0, 0, 0, capacity, true));
    if (occupant != 0) {
      inFlight.add(address, occupant);
    }
    return spawn(router, inFlight, queueTimeout);
  }

  @Test
  void requestWaitsWhileEveryNodeIsAtCapacityAndGoesToTheFirstWithRoom() throws Exception {
    TestProbe<NodeProtocol.Command> node = testKit.createTestProbe();
    // Probes of one test kit share an address: the occupant counts as running on the node.
    long occupant = -1;
    var setup = startWithCapacity(node, 1, Duration.ofSeconds(5), occupant);
    node.expectNoMessage(Duration.ofMillis(200));
    node.awaitAssert(() -> {
      assertEquals(1, setup.router().waiting());
      return null;
    });
    setup.inFlight().remove(node.getRef().path().address(), occupant);
    reply(node.expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
  }

  @Test
  void requestThatFindsEveryNodeAtCapacityGets503NoCapacityAfterTheQueueTimeout() throws Exception {
    TestProbe<NodeProtocol.Command> node = testKit.createTestProbe();
    var setup = startWithCapacity(node, 1, Duration.ofMillis(300), -1);
    assertEquals(ErrorCode.NO_CAPACITY, errorOf(await(setup.result())));
    assertEquals(0, setup.router().waiting(), "a request that gave up no longer counts as waiting");
    node.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void nodeThatRefusedTheRequestAtCapacityIsTriedAgainOnceItReportsRoom() throws Exception {
    TestProbe<NodeProtocol.Command> node = testKit.createTestProbe();
    var setup = startWithCapacity(node, 5, Duration.ofSeconds(5), 0);
    // Other gateways filled it before this gateway heard of it.
    reply(node.expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.NotAccepted("node is at capacity (5 requests)"));
    node.expectNoMessage(Duration.ofMillis(200));
    var address = node.getRef().path().address();
    setup.router().reported(address, new NodeReport(address.toString(), "up", 3, 0, 0, 0, 5, true));
    reply(node.expectMessageClass(NodeProtocol.Invoke.class), new NodeProtocol.Completed(200, List.of(), new byte[0]));
    assertEquals(200, assertInstanceOf(NodeProtocol.Completed.class, await(setup.result())).status());
  }
}
