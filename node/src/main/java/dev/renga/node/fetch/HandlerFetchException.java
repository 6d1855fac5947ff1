package dev.renga.node.fetch;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;

/** A handler could not be fetched; carries the contract error the client gets. */
public final class HandlerFetchException extends RuntimeException {
  private final transient HandlerError error;

  public HandlerFetchException(ErrorCode code, String cause) {
    super(cause, null, false, false);
    this.error = new HandlerError(code, cause);
  }

  public HandlerError error() {
    return error;
  }
}
