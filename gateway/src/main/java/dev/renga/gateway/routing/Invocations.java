package dev.renga.gateway.routing;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.Tenant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.http.javadsl.model.HttpEntity.ChunkStreamPart;

/**
 * Parent of every {@link InvocationActor}: starts one per request, from the HTTP side, unless the request's tenant is
 * above its fair share while others wait (429 tenant-overloaded); counts each tenant's invocations until they stop.
 */
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

  public static Behavior<Start> create(InvocationActor.Routing routing, TenantShares shares) {
    return Behaviors.setup(
        context -> {
          Map<ActorRef<Void>, String> tenants = new HashMap<>();
          return Behaviors.receive(Start.class)
              .onMessage(
                  Start.class,
                  start -> {
                    String tenant = Tenant.of(start.invocation().handlerUrl());
                    var overShare = shares.overShare(tenant);
                    if (overShare.isPresent()) {
                      start.result().complete(new Answer(tenantOverloaded(tenant, shares.holds(tenant), overShare.get()), Optional.empty()));
                      return Behaviors.same();
                    }
                    var invocation =
                        Behaviors.supervise(InvocationActor.create(start.invocation(), routing, start.result()))
                            .onFailure(SupervisorStrategy.stop());
                    ActorRef<InvocationActor.Command> child = context.spawnAnonymous(invocation);
                    context.watch(child);
                    tenants.put(child.unsafeUpcast(), tenant);
                    shares.started(tenant);
                    return Behaviors.same();
                  })
              .onSignal(
                  Terminated.class,
                  terminated -> {
                    String tenant = tenants.remove(terminated.getRef());
                    if (tenant != null) {
                      shares.ended(tenant);
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static NodeProtocol.Failed tenantOverloaded(String tenant, int holds, long share) {
    return new NodeProtocol.Failed(
        new HandlerError(
            ErrorCode.TENANT_OVERLOADED,
            "tenant " + tenant + " has " + holds + " requests running or waiting, its fair share of the cluster is "
                + share + " while other requests wait"));
  }
}
