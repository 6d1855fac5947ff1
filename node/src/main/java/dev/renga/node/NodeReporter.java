package dev.renga.node;

import dev.renga.core.NodeReport;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Publishes the node's {@link NodeReport} on {@code topic} (the node's one topic actor for {@link NodeReport#TOPIC}) to
 * every gateway: at each interval, and at once when its state changes.
 */
public final class NodeReporter {
  private NodeReporter() {}

  /** Publish now (the node's state changed). */
  public enum Publish {
    INSTANCE
  }

  public static Behavior<Publish> create(
      ActorRef<Topic.Command<NodeReport>> topic, NodeStatus status, Duration interval, int capacity) {
    return Behaviors.setup(
        context -> {
          String address = context.getSystem().address().toString();
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerWithFixedDelay(Publish.INSTANCE, interval);
                return Behaviors.receiveMessage(
                    publish -> {
                      topic.tell(
                          Topic.publish(
                              new NodeReport(
                                  address,
                                  status.state().name().toLowerCase(),
                                  status.inFlight(),
                                  status.started(),
                                  status.quota(),
                                  status.heartbeatLagMillis(),
                                  capacity,
                                  status.warm())));
                      return Behaviors.same();
                    });
              });
        });
  }
}
