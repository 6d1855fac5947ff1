package dev.renga.node.sandbox;

import java.util.function.Consumer;
import org.graalvm.polyglot.Value;

/**
 * One request's JavaScript in the place its {@link Isolation} level gave it. The request's actor runs every turn
 * through it, one at a time; the watchdog and the deadline stop it from their own threads.
 */
public interface Execution {

  /**
   * Runs one turn of this request's JavaScript on the calling thread. {@code work} gets the request's entry points
   * (runtime.js's {@code run}, {@code fireTimer}, {@code flush}); anything else it calls into JS during the turn (an
   * outbound result) acts for this request too.
   *
   * @throws Busy when the request's context runs another request's turn now: nothing ran; {@code retry} is called
   *     (from any thread) once the context is free, and the caller runs the turn again then
   */
  void turn(Consumer<Value> work, Runnable retry);

  /** The handler's function, compiled in this request's context; call inside a turn. */
  Value handler();

  /**
   * From any thread: stops this request's JavaScript now if it runs, and for good. Blocks until it stopped (call where
   * blocking is allowed).
   */
  void stop();

  /** The request ended: gives back its place. Called once, by the request's actor. */
  void close();

  /**
   * The request's context is running another request's turn: the caller gives its thread (a JS dispatcher thread)
   * back instead of waiting, and is told when to try again.
   */
  final class Busy extends RuntimeException {
    public Busy() {
      super("the request's context is busy", null, false, false);
    }
  }

  /** A turn cannot run: the request's context was closed under it (to stop another request sharing it). */
  final class Lost extends RuntimeException {
    public Lost(String message) {
      super(message);
    }
  }
}
