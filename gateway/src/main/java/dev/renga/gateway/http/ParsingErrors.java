package dev.renga.gateway.http;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests Pekko HTTP cannot parse (a header or URI over its limit, an unknown method, broken framing) in the
 * contract's shape: Pekko's status, {@code x-renga-error: request-invalid} and a text body with the cause. Set as
 * {@code pekko.http.server.parsing.error-handler}; such a request never reaches a route, so it has no handler URL.
 */
public final class ParsingErrors extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("refused an HTTP request it could not parse: {} {}", status, info.formatPretty());
    String cause = info.summary().isEmpty() ? status.reason() : info.summary();
    return HttpResponse.create()
        .withStatus(status.intValue())
        .addHeader(RawHeader.create(ErrorCode.HEADER, ErrorCode.REQUEST_INVALID.code()))
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, new HandlerError(ErrorCode.REQUEST_INVALID, cause).body(null));
  }
}
