package dev.renga.core;

/** The HTTP error contract (DESIGN §6): every error Renga itself produces has one of these codes. */
public enum ErrorCode {
  /** An HTTP request the gateway cannot parse; its status is the parser's (400, 414, 431, 501...). */
  REQUEST_INVALID(400, "request-invalid"),
  HANDLER_MISSING(400, "handler-missing"),
  HANDLER_URL_INVALID(400, "handler-url-invalid"),
  HANDLER_FORBIDDEN(403, "handler-forbidden"),
  HANDLER_FETCH_FAILED(502, "handler-fetch-failed"),
  HANDLER_TOO_LARGE(413, "handler-too-large"),
  BODY_TOO_LARGE(413, "body-too-large"),
  COMPILE_ERROR(500, "compile-error"),
  EXCEPTION(500, "exception"),
  TIMEOUT(500, "timeout"),
  CPU_LIMIT(500, "cpu-limit"),
  MEMORY_LIMIT(500, "memory-limit"),
  NO_RESPONSE(500, "no-response"),
  TENANT_OVERLOADED(429, "tenant-overloaded"),
  NO_CAPACITY(503, "no-capacity"),
  QUARANTINED(503, "quarantined"),
  NODE_LOST(502, "node-lost");

  /** The response header that carries {@link #code()}. */
  public static final String HEADER = "x-renga-error";

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** The value of the {@value #HEADER} header. */
  public String code() {
    return code;
  }

  /** Whether a client may retry later; such errors carry a Retry-After header. */
  public boolean retryable() {
    return this == NO_CAPACITY || this == TENANT_OVERLOADED || this == QUARANTINED;
  }
}
