package dev.renga.node.outbound;

/** An outbound request failed; handler code sees it as a TypeError carrying the message and {@link #code()}. */
public final class OutboundException extends RuntimeException {
  /** Why an outbound request failed; {@link #code} is the {@code error.code} handler code sees. */
  public enum Kind {
    FORBIDDEN("ERR_NETWORK_POLICY"),
    INVALID("ERR_INVALID_ARG"),
    TOO_MANY_REQUESTS("ERR_OUTBOUND_LIMIT"),
    TOO_LARGE("ERR_RESPONSE_TOO_LARGE"),
    REDIRECT("ERR_REDIRECT"),
    TIMEOUT("ETIMEDOUT"),
    NETWORK("ECONNREFUSED"),
    ABORTED("ABORT_ERR");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final Kind kind;

  public OutboundException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return kind.code();
  }
}
