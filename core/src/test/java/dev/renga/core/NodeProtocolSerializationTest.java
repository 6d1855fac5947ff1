package dev.renga.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every message that crosses JVMs goes through Jackson CBOR and comes back whole. */
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
    assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName());
    return testKit.serializationTestKit().verifySerialization(message, false);
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
    var completed = roundTrip((NodeProtocol.Reply) new NodeProtocol.Completed(201, List.of(new Header("a", "b")), new byte[] {1, 2}));
    assertInstanceOf(NodeProtocol.Completed.class, completed);
    assertEquals(201, ((NodeProtocol.Completed) completed).status());
    assertArrayEquals(new byte[] {1, 2}, ((NodeProtocol.Completed) completed).body());

    assertEquals(new NodeProtocol.Accepted(), roundTrip((NodeProtocol.Reply) new NodeProtocol.Accepted()));
    assertEquals(new NodeProtocol.NotAccepted("draining"), roundTrip((NodeProtocol.Reply) new NodeProtocol.NotAccepted("draining")));

    var failed = roundTrip((NodeProtocol.Reply) new NodeProtocol.Failed(new HandlerError(ErrorCode.TIMEOUT, "slow")));
    assertEquals(new NodeProtocol.Failed(new HandlerError(ErrorCode.TIMEOUT, "slow")), failed);
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
