package dev.renga.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.RengaConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A streamed response ends (and stops counting as in flight) once, when its client side ends. */
@ExtendWith(LogCapturingExtension.class)
class ResponseStreamTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          RengaConfig.withDefaults(
              ConfigFactory.parseString(
                  "pekko.actor.provider = local\npekko.stream.materializer.subscription-timeout.timeout = 300ms")));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static void awaitEnds(AtomicInteger ends) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(1, ends.get());
      return null;
    });
  }

  @Test
  void endsWhenTheClientHasTakenTheLastChunkNotWhenTheNodeSentIt() throws Exception {
    var ends = new AtomicInteger();
    var stream = ResponseStream.create(testKit.system(), ends::incrementAndGet);
    stream.first().tell(new ResponseStream.Bytes(ByteString.fromString("a")));
    stream.first().tell(new ResponseStream.Bytes(ByteString.fromString("b")));
    stream.first().tell(new ResponseStream.End(List.of()));
    // Long enough for the node's side to run to its end into the publisher's buffer (it did, before).
    testKit.createTestProbe().expectNoMessage(Duration.ofMillis(100));
    assertEquals(0, ends.get(), "nothing was written to the client yet");
    var chunks = stream.second().runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b"), chunks.stream().map(c -> c.data().utf8String()).toList());
    awaitEnds(ends);
  }

  @Test
  void endsOnceWhenTheResponseIsCutOff() {
    var ends = new AtomicInteger();
    var stream = ResponseStream.create(testKit.system(), ends::incrementAndGet);
    var read = stream.second().runWith(Sink.seq(), testKit.system()).toCompletableFuture();
    stream.first().tell(new ResponseStream.Bytes(ByteString.fromString("a")));
    stream.first().tell(new ResponseStream.Abort("node lost"));
    assertThrows(ExecutionException.class, () -> read.get(5, TimeUnit.SECONDS));
    awaitEnds(ends);
  }

  @Test
  void endsOnceAfterTheSubscriptionTimeoutWhenNobodyTakesTheResponse() {
    // The client's connection closed before the response went out: the HTTP layer never subscribes.
    var ends = new AtomicInteger();
    var stream = ResponseStream.create(testKit.system(), ends::incrementAndGet);
    stream.first().tell(new ResponseStream.Bytes(ByteString.fromString("a")));
    stream.first().tell(new ResponseStream.End(List.of()));
    awaitEnds(ends);
    testKit.createTestProbe().expectNoMessage(Duration.ofMillis(500));
    assertEquals(1, ends.get(), "ended once");
  }
}
