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

  /** Run one handler invocation; the node answers {@code replyTo} with exactly one {@link Reply}. */
  public record Invoke(Invocation invocation, ActorRef<Reply> replyTo) implements Command, CborSerializable {}

  /** The answer to an {@link Invoke}. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Completed.class, name = "completed"),
    @JsonSubTypes.Type(value = Failed.class, name = "failed")
  })
  public sealed interface Reply extends CborSerializable {}

  /** The handler's whole response. */
  public record Completed(int status, List<Header> headers, byte[] body) implements Reply {}

  /** Renga could not produce the handler's response; the gateway answers with the error contract. */
  public record Failed(HandlerError error) implements Reply {}
}
