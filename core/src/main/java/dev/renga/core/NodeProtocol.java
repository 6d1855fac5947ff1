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
   * {@link Completed} or {@link Failed}, or a streamed response ({@link Head}, {@link Chunk}s, then {@link Ended} or
   * {@link Failed}); or with {@link NotAccepted} alone when it takes no new work. Every reply comes as a
   * {@link Replied} with this {@code id}: a gateway has one actor for the replies to all its invocations, not one per
   * request, and tells them apart by the id (a new one for each attempt).
   */
  public record Invoke(Invocation invocation, long id, ActorRef<Replied> replyTo) implements Command, CborSerializable {}

  /** A reply to the {@link Invoke} with this id. */
  public record Replied(long id, Reply reply) implements CborSerializable {}

  /** The answer to an {@link Invoke}. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Accepted.class, name = "accepted"),
    @JsonSubTypes.Type(value = NotAccepted.class, name = "not-accepted"),
    @JsonSubTypes.Type(value = Completed.class, name = "completed"),
    @JsonSubTypes.Type(value = Head.class, name = "head"),
    @JsonSubTypes.Type(value = Chunk.class, name = "chunk"),
    @JsonSubTypes.Type(value = Ended.class, name = "ended"),
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

  /**
   * The handler's whole response: it ended without having written before. {@code reason} is the reason phrase the
   * handler gave (writeHead, statusMessage), or null for the standard one.
   */
  public record Completed(int status, String reason, List<Header> headers, byte[] body) implements Reply {
    public Completed(int status, List<Header> headers, byte[] body) {
      this(status, null, headers, body);
    }
  }

  /**
   * The start of a streamed response: the handler wrote, then let its turn end without ending the response. Zero or
   * more {@link Chunk}s follow as it writes, then {@link Ended}, or {@link Failed} (the client's response is cut off).
   */
  public record Head(int status, String reason, List<Header> headers) implements Reply {
    public Head(int status, List<Header> headers) {
      this(status, null, headers);
    }
  }

  /** Body bytes of a streamed response, as written in one JS turn. */
  public record Chunk(byte[] data) implements Reply {}

  /** The end of a streamed response, with its trailers (x-haiku-console: trailer), usually none. */
  public record Ended(List<Header> trailers) implements Reply {}

  /** Renga could not produce the handler's response; the gateway answers with the error contract. */
  public record Failed(HandlerError error) implements Reply {}
}
