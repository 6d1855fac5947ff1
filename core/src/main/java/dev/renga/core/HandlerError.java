package dev.renga.core;

/**
 * An error Renga produces for a request: the contract code and a cause a person can act on.
 * The text body names the handler and the cause (DESIGN §6); {@link #body(String)} is the one place that writes it.
 */
public record HandlerError(ErrorCode code, String cause) implements CborSerializable {
  /** Most characters of a cause kept (a handler may throw an Error with megabytes of message). */
  static final int MAX_CAUSE_CHARS = 64 * 1024;

  public HandlerError {
    if (cause != null && cause.length() > MAX_CAUSE_CHARS) {
      cause = cause.substring(0, MAX_CAUSE_CHARS) + "... (cut: " + cause.length() + " characters in all)";
    }
  }

  /** The text/plain body for this error, naming the handler (or "none" when there is no handler URL). */
  public String body(String handlerUrl) {
    return code.code() + ": " + cause + "\nhandler: " + (handlerUrl == null ? "none" : handlerUrl) + "\n";
  }
}
