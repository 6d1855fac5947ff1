package dev.renga.gateway.http;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import java.time.Duration;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;

/** The one place that turns a {@link HandlerError} into an HTTP response (DESIGN §6). */
public final class ErrorResponses {
  private final long retryAfterSeconds;

  public ErrorResponses(Duration retryAfter) {
    this.retryAfterSeconds = Math.max(1, retryAfter.toSeconds());
  }

  public HttpResponse of(ErrorCode code, String cause, String handlerUrl) {
    return of(new HandlerError(code, cause), handlerUrl);
  }

  public HttpResponse of(HandlerError error, String handlerUrl) {
    return of(error, handlerUrl, Duration.ofSeconds(retryAfterSeconds));
  }

  /** An error whose Retry-After (when the code is retryable) is the given time, rounded up to whole seconds. */
  public HttpResponse of(HandlerError error, String handlerUrl, Duration retryAfter) {
    HttpResponse response =
        HttpResponse.create()
            .withStatus(error.code().status())
            .addHeader(RawHeader.create(ErrorCode.HEADER, error.code().code()))
            .withEntity(ContentTypes.TEXT_PLAIN_UTF8, error.body(handlerUrl));
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return error.code().retryable() ? response.addHeader(RetryAfter.create(seconds)) : response;
  }
}
