package dev.renga.node.warmup;

import dev.renga.core.NodeProtocol;
import dev.renga.node.NodeGuardian;
import dev.renga.node.RequestActor;
import dev.renga.node.sandbox.Sandbox;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node side of the warm-up: takes invocations over Artery and runs each in a {@link RequestActor}, as
 * {@link NodeGuardian} does (its capacity, quota and health bookkeeping left out: the warm-up keeps its own pace).
 */
final class WarmUpGuardian {
  private WarmUpGuardian() {}

  static Behavior<NodeProtocol.Command> create(Sandbox sandbox) {
    return Behaviors.setup(
        context ->
            Behaviors.receive(NodeProtocol.Command.class)
                .onMessage(
                    NodeProtocol.Invoke.class,
                    invoke -> {
                      invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), new NodeProtocol.Accepted()));
                      context.spawn(
                          RequestActor.forInvoke(invoke, sandbox), "request-" + invoke.id(), NodeGuardian.JS_DISPATCHER);
                      return Behaviors.same();
                    })
                .build());
  }
}
