package dev.renga.gateway.warmup;

import dev.renga.core.Header;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Stands in for a node during a gateway's warm-up, in an actor system of its own that the gateway's warm-up reaches
 * over Artery ({@link dev.renga.core.WarmUpSystems}): answers every invocation as a node does (accepted, then a whole
 * response, or a streamed one for paths that ask for it).
 */
final class WarmUpNode {
  private static final List<Header> HEADERS =
      List.of(new Header("content-type", "text/plain"), new Header("cache-control", "no-store"));
  private static final byte[] HELLO = "Hello from the warm-up\n".getBytes(StandardCharsets.UTF_8);

  private WarmUpNode() {}

  static Behavior<NodeProtocol.Command> create() {
    return Behaviors.receive(NodeProtocol.Command.class)
        .onMessage(
            NodeProtocol.Invoke.class,
            invoke -> {
              invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), new NodeProtocol.Accepted()));
              for (NodeProtocol.Reply reply : answer(invoke.invocation())) {
                invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), reply));
              }
              return Behaviors.same();
            })
        .build();
  }

  /** Echoes a body, streams for a path with "stream" in it, says hello otherwise. */
  private static List<NodeProtocol.Reply> answer(Invocation invocation) {
    if (invocation.url().contains("stream")) {
      return List.of(
          new NodeProtocol.Head(200, HEADERS),
          new NodeProtocol.Chunk(HELLO),
          new NodeProtocol.Chunk(HELLO),
          new NodeProtocol.Ended(List.of()));
    }
    byte[] body = invocation.body().length > 0 ? invocation.body() : HELLO;
    return List.of(new NodeProtocol.Completed(200, HEADERS, body));
  }
}
