package dev.renga.core;

/**
 * An error Renga produces for a request: the contract code and a cause a person can act on.
 * The text body names the handler and the cause (DESIGN §6); {@link #body(String)} is the one place that writes it.
 */
public record HandlerError(ErrorCode code, String cause) implements CborSerializable {

  /** The text/plain body for this error, naming the handler (or "none" when there is no handler URL). */
  public String body(String handlerUrl) {
    return code.code() + ": " + cause + "\nhandler: " + (handlerUrl == null ? "none" : handlerUrl) + "\n";
  }
}
