package dev.renga.core;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** The messages between a gateway and a node's guardian. */
public final class NodeProtocol {
  private NodeProtocol() {}

  /** Nodes register their guardian under this key with the Receptionist; gateways subscribe to it. */
  public static final ServiceKey<Command> NODE_SERVICE = ServiceKey.create(Command.class, "renga-node");

  /** What a node's guardian accepts. Node-local messages implement it too, but never leave their JVM. */
  public interface Command {}

  /**
   * Run one handler invocation. The node answers {@code replyTo} with {@link Accepted} then exactly one
   * {@link Completed} or {@link Failed}, or with {@link NotAccepted} alone when it takes no new work.
   */
  public record Invoke(Invocation invocation, ActorRef<Reply> replyTo) implements Command, CborSerializable {}

  /** The answer to an {@link Invoke}. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Accepted.class, name = "accepted"),
    @JsonSubTypes.Type(value = NotAccepted.class, name = "not-accepted"),
    @JsonSubTypes.Type(value = Completed.class, name = "completed"),
    @JsonSubTypes.Type(value = Failed.class, name = "failed")
  })
  public sealed interface Reply extends CborSerializable {}

  /**
   * The node started the request: from now on, if the node dies, the request is lost (502 node-lost) and is never
   * run a second time elsewhere.
   */
  public record Accepted() implements Reply {}

  /** The node did not start the request (draining, unhealthy); the gateway sends it to another node. */
  public record NotAccepted(String reason) implements Reply {}

  /** The handler's whole response. */
  public record Completed(int status, List<Header> headers, byte[] body) implements Reply {}

  /** Renga could not produce the handler's response; the gateway answers with the error contract. */
  public record Failed(HandlerError error) implements Reply {}
}
