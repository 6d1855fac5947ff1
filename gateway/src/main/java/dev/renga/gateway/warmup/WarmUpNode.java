package dev.renga.gateway.warmup;

import dev.renga.core.Header;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serialization$;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Stands in for a node during a gateway's warm-up: answers every invocation as a node does (accepted, then a whole
 * response, or a streamed one for paths that ask for it), and sends each message in and out through the serializer
 * the cluster uses, so that the gateway's side of that path warms too.
 */
final class WarmUpNode {
  private static final List<Header> HEADERS =
      List.of(new Header("content-type", "text/plain"), new Header("cache-control", "no-store"));
  private static final byte[] HELLO = "Hello from the warm-up\n".getBytes(StandardCharsets.UTF_8);

  private WarmUpNode() {}

  static Behavior<NodeProtocol.Command> create() {
    return Behaviors.setup(
        context -> {
          ExtendedActorSystem system = (ExtendedActorSystem) context.getSystem().classicSystem();
          Serialization serialization = SerializationExtension.get(system);
          return Behaviors.receive(NodeProtocol.Command.class)
              .onMessage(
                  NodeProtocol.Invoke.class,
                  sent -> {
                    // As Artery does: actor references in a message are written and resolved against this system.
                    return Serialization$.MODULE$.<Behavior<NodeProtocol.Command>>withTransportInformation(
                        system,
                        () -> {
                          NodeProtocol.Invoke invoke = throughSerializer(serialization, sent);
                          reply(serialization, invoke, new NodeProtocol.Accepted());
                          for (NodeProtocol.Reply reply : answer(invoke.invocation())) {
                            reply(serialization, invoke, reply);
                          }
                          return Behaviors.same();
                        });
                  })
              .build();
        });
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

  private static void reply(Serialization serialization, NodeProtocol.Invoke invoke, NodeProtocol.Reply reply) {
    invoke.replyTo().tell(throughSerializer(serialization, new NodeProtocol.Replied(invoke.id(), reply)));
  }

  @SuppressWarnings("unchecked")
  private static <T> T throughSerializer(Serialization serialization, T message) {
    Serializer serializer = serialization.findSerializerFor(message);
    byte[] bytes = serializer.toBinary(message);
    return (T) serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
  }
}
