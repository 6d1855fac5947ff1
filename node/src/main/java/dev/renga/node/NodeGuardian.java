package dev.renga.node;

import dev.renga.core.NodeProtocol;
import dev.renga.node.sandbox.Sandbox;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The node's guardian: registers the node with the cluster's Receptionist and runs every invocation in its own
 * supervised {@link RequestActor} on the JS dispatcher. A request that fails never touches the guardian.
 */
public final class NodeGuardian extends AbstractBehavior<NodeProtocol.Command> {
  /** The dispatcher that runs JavaScript (renga-js-dispatcher in reference.conf). */
  public static final DispatcherSelector JS_DISPATCHER = DispatcherSelector.fromConfig("renga-js-dispatcher");

  private record RequestEnded(String requestId) implements NodeProtocol.Command {}

  public static Behavior<NodeProtocol.Command> create(Sandbox sandbox) {
    return Behaviors.setup(context -> new NodeGuardian(context, sandbox));
  }

  private final Sandbox sandbox;
  private long started;
  private int inFlight;

  private NodeGuardian(ActorContext<NodeProtocol.Command> context, Sandbox sandbox) {
    super(context);
    this.sandbox = sandbox;
    context.getSystem().receptionist().tell(Receptionist.register(NodeProtocol.NODE_SERVICE, context.getSelf()));
  }

  @Override
  public Receive<NodeProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeProtocol.Invoke.class, this::onInvoke)
        .onMessage(RequestEnded.class, this::onRequestEnded)
        .build();
  }

  private Behavior<NodeProtocol.Command> onInvoke(NodeProtocol.Invoke invoke) {
    started++;
    inFlight++;
    var child =
        getContext()
            .spawn(
                RequestActor.create(invoke.invocation(), invoke.replyTo(), sandbox),
                "request-" + started,
                JS_DISPATCHER);
    getContext().watchWith(child, new RequestEnded(invoke.invocation().requestId()));
    return this;
  }

  private Behavior<NodeProtocol.Command> onRequestEnded(RequestEnded ended) {
    inFlight--;
    return this;
  }
}
