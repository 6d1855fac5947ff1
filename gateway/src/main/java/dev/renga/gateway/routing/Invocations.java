package dev.renga.gateway.routing;

import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.http.javadsl.model.HttpEntity.ChunkStreamPart;

/** Parent of every {@link InvocationActor}: starts one per request, from the HTTP side. */
public final class Invocations {
  private Invocations() {}

  /** Start an invocation; {@code result} completes with the node's final answer or a contract error. */
  public record Start(Invocation invocation, CompletableFuture<Answer> result) {}

  /**
   * The node's answer and the node that gave it (empty when no node ran the request): a final reply, or the
   * {@link NodeProtocol.Head} of a streamed response with its body.
   */
  public record Answer(NodeProtocol.Reply reply, Optional<Address> node, Optional<Source<ChunkStreamPart, NotUsed>> body) {
    public Answer(NodeProtocol.Reply reply, Optional<Address> node) {
      this(reply, node, Optional.empty());
    }
  }

  public static Behavior<Start> create(InvocationActor.Routing routing) {
    return Behaviors.receive(
        (context, start) -> {
          var invocation =
              Behaviors.supervise(InvocationActor.create(start.invocation(), routing, start.result()))
                  .onFailure(SupervisorStrategy.stop());
          context.spawnAnonymous(invocation);
          return Behaviors.same();
        });
  }
}
