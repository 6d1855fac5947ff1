package dev.renga.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that crosses JVMs comes back whole: the two of every request ({@code Invoke}, {@code Replied}) through
 * Renga's compact format, the others through Jackson CBOR.
 */
class NodeProtocolSerializationTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          RengaConfig.withDefaults(
              ConfigFactory.parseString("pekko.actor.provider = local\npekko.remote.artery.canonical.port = 0")));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static <T> T roundTrip(T message) {
    var serializer = SerializationExtension.get(testKit.system().classicSystem()).findSerializerFor(message);
    boolean perRequest = message instanceof NodeProtocol.Invoke || message instanceof NodeProtocol.Replied;
    assertEquals(perRequest ? "NodeProtocolSerializer" : "JacksonCborSerializer", serializer.getClass().getSimpleName());
    return testKit.serializationTestKit().verifySerialization(message, false);
  }

  private static NodeProtocol.Reply replyRoundTrip(NodeProtocol.Reply reply) {
    return roundTrip(new NodeProtocol.Replied(1L, reply)).reply();
  }

  @Test
  void invokeCarriesTheWholeInvocationAndTheReplyAddress() {
    TestProbe<NodeProtocol.Replied> probe = testKit.createTestProbe();
    var invocation =
        new Invocation(
            "req-1",
            "http://127.0.0.1:8000/echo.js",
            "POST",
            "/x?y=1",
            "1.1",
            List.of(new Header("content-type", "text/plain")),
            "hi".getBytes(StandardCharsets.UTF_8));
    var back = roundTrip(new NodeProtocol.Invoke(invocation, 42L, probe.getRef()));
    assertEquals(probe.getRef(), back.replyTo());
    assertEquals(42L, back.id());
    assertEquals(invocation.handlerUrl(), back.invocation().handlerUrl());
    assertEquals(invocation.headers(), back.invocation().headers());
    assertArrayEquals(invocation.body(), back.invocation().body());
  }

  @Test
  void repliesKeepTheirType() {
    var completed = replyRoundTrip(new NodeProtocol.Completed(201, List.of(new Header("a", "b")), new byte[] {1, 2}));
    assertInstanceOf(NodeProtocol.Completed.class, completed);
    assertEquals(201, ((NodeProtocol.Completed) completed).status());
    assertEquals(null, ((NodeProtocol.Completed) completed).reason());
    assertArrayEquals(new byte[] {1, 2}, ((NodeProtocol.Completed) completed).body());
    var named = (NodeProtocol.Completed) replyRoundTrip(new NodeProtocol.Completed(299, "Fine – ça va ✓", List.of(), new byte[0]));
    assertEquals("Fine – ça va ✓", named.reason());
    assertEquals(0, named.body().length);

    assertEquals(new NodeProtocol.Accepted(), replyRoundTrip(new NodeProtocol.Accepted()));
    assertEquals(new NodeProtocol.NotAccepted("draining"), replyRoundTrip(new NodeProtocol.NotAccepted("draining")));
    assertEquals(
        new NodeProtocol.Head(200, "OK then", List.of(new Header("x-a", "1"), new Header("x-a", "2"))),
        replyRoundTrip(new NodeProtocol.Head(200, "OK then", List.of(new Header("x-a", "1"), new Header("x-a", "2")))));
    assertEquals(
        new NodeProtocol.Ended(List.of(new Header("x-haiku-console", "[]"))),
        replyRoundTrip(new NodeProtocol.Ended(List.of(new Header("x-haiku-console", "[]")))));

    var failed = replyRoundTrip(new NodeProtocol.Failed(new HandlerError(ErrorCode.TIMEOUT, "slow")));
    assertEquals(new NodeProtocol.Failed(new HandlerError(ErrorCode.TIMEOUT, "slow")), failed);
    // Pekko's NodeReport and a bare reply keep Jackson CBOR.
    assertEquals(new NodeProtocol.Accepted(), roundTrip((NodeProtocol.Reply) new NodeProtocol.Accepted()));
  }

  @Test
  void aLargeBodyAndNoBodyBothArrive() {
    TestProbe<NodeProtocol.Replied> probe = testKit.createTestProbe();
    byte[] large = new byte[1 << 20];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) i;
    }
    var big = new Invocation("r", "http://h/x.js", "PUT", "/", "2.0", List.of(), large);
    assertArrayEquals(large, roundTrip(new NodeProtocol.Invoke(big, 1L, probe.getRef())).invocation().body());
    var none = new Invocation("r", "http://h/x.js", "GET", "/", "1.1", List.of(), null);
    assertEquals(null, roundTrip(new NodeProtocol.Invoke(none, Long.MAX_VALUE, probe.getRef())).invocation().body());
    assertEquals(Long.MAX_VALUE, roundTrip(new NodeProtocol.Invoke(none, Long.MAX_VALUE, probe.getRef())).id());
  }

  @Test
  void aMalformedMessageIsRefusedNotMisread() {
    var serializer = new NodeProtocolSerializer((ExtendedActorSystem) testKit.system().classicSystem());
    byte[] whole = serializer.toBinary(new NodeProtocol.Replied(3L, new NodeProtocol.NotAccepted("full")));
    byte[] cut = Arrays.copyOf(whole, whole.length - 2);
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(cut, "R"));
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(whole, "X"));
  }

  @Test
  void aReplyTravelsWithTheIdOfItsInvocation() {
    var replied = roundTrip(new NodeProtocol.Replied(7L, new NodeProtocol.Chunk(new byte[] {3})));
    assertEquals(7L, replied.id());
    assertArrayEquals(new byte[] {3}, assertInstanceOf(NodeProtocol.Chunk.class, replied.reply()).data());
    assertEquals(
        new NodeProtocol.Replied(8L, new NodeProtocol.Accepted()), roundTrip(new NodeProtocol.Replied(8L, new NodeProtocol.Accepted())));
  }

  @Test
  void nodeReportCarriesTheNodesCapacity() {
    var report = new NodeReport("pekko://renga@10.0.0.2:25520", "up", 3, 120, 100_000, 2, 1000, true);
    assertEquals(report, roundTrip(report));
  }
}
