package dev.renga.gateway.routing;

import dev.renga.core.Header;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpEntity.ChunkStreamPart;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * The body of a streamed response: the invocation's actor feeds the chunks a node sends into the HTTP response as
 * they arrive. {@link End} completes it; {@link Abort} fails it, which cuts the chunked response off, so a client can
 * never take a broken response for a whole one.
 */
public final class ResponseStream {
  private ResponseStream() {}

  /** What the invocation's actor sends into the stream. */
  public sealed interface Element {}

  public record Bytes(ByteString data) implements Element {}

  /** The end, with the response's trailers (usually none). */
  public record End(List<Header> trailers) implements Element {}

  public record Abort(String reason) implements Element {}

  /** Chunks buffered for a slow client before the response is cut off; the node's bytes are bounded anyway. */
  private static final int BUFFERED_CHUNKS = 16_384;

  /**
   * The actor end to feed, and the chunks of the HTTP response (the last one carries the trailers); {@code onEnd}
   * runs once, when the client's side of the stream has ended (completed, cut off or cancelled by the client), or
   * when nobody subscribed to the response within pekko.stream.materializer.subscription-timeout (the connection
   * closed before the response went out).
   */
  public static Pair<ActorRef<Element>, Source<ChunkStreamPart, NotUsed>> create(ActorSystem<?> system, Runnable onEnd) {
    var ended = new AtomicBoolean();
    Runnable endOnce = () -> {
      if (ended.compareAndSet(false, true)) {
        onEnd.run();
      }
    };
    var subscribed = new AtomicBoolean();
    Duration subscriptionTimeout =
        system.settings().config().getDuration("pekko.stream.materializer.subscription-timeout.timeout");
    // Runs now: the actor needs its end before the HTTP layer subscribes. This side ends as soon as the last chunks
    // sit in the publisher's buffer, before the client has them, so it only guards against a response nobody took.
    Pair<ActorRef<Element>, Source<ChunkStreamPart, NotUsed>> fed =
        ActorSource.<Element>actorRef(
                element -> false,
                element ->
                    element instanceof Abort abort
                        ? Optional.of(new IllegalStateException("response cut off: " + abort.reason()))
                        : Optional.empty(),
                BUFFERED_CHUNKS,
                OverflowStrategy.fail())
            .takeWhile(element -> !(element instanceof End), true)
            .filter(element -> !(element instanceof End end) || !end.trailers().isEmpty())
            .map(
                element ->
                    switch (element) {
                      case Bytes bytes -> ChunkStreamPart.create(bytes.data());
                      case End end -> ChunkStreamPart.createLast("", end.trailers().stream().<HttpHeader>map(h -> RawHeader.create(h.name(), h.value())).toList());
                      case Abort abort -> throw new IllegalStateException("aborted: " + abort.reason());
                    })
            .watchTermination(
                (ref, fedEnded) -> {
                  fedEnded.whenComplete(
                      (done, failure) ->
                          system.scheduler().scheduleOnce(subscriptionTimeout, () -> {
                            if (!subscribed.get()) {
                              endOnce.run();
                            }
                          }, system.executionContext()));
                  return ref;
                })
            .preMaterialize(Materializer.matFromSystem(system));
    Source<ChunkStreamPart, NotUsed> body =
        fed.second()
            .watchTermination(
                (notUsed, written) -> {
                  subscribed.set(true);
                  written.whenComplete((done, failure) -> endOnce.run());
                  return notUsed;
                });
    return Pair.create(fed.first(), body);
  }
}
