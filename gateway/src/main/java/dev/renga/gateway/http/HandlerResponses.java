package dev.renga.gateway.http;

import dev.renga.core.Header;
import dev.renga.core.NodeProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** Turns the response a handler wrote into an HTTP response. */
public final class HandlerResponses {
  /** Headers the HTTP layer owns: a handler's values for these are dropped (content-type goes to the entity). */
  private static final List<String> HOP_BY_HOP =
      List.of("content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "date", "server", "trailer");

  private HandlerResponses() {}

  public static HttpResponse of(NodeProtocol.Completed completed) {
    ContentType contentType = ContentTypes.NO_CONTENT_TYPE;
    List<HttpHeader> headers = new ArrayList<>(completed.headers().size());
    for (Header header : completed.headers()) {
      String name = header.name().toLowerCase(Locale.ROOT);
      if (name.equals("content-type")) {
        contentType = parseContentType(header.value()).orElse(contentType);
      } else if (!HOP_BY_HOP.contains(name)) {
        headers.add(RawHeader.create(header.name(), header.value()));
      }
    }
    return HttpResponse.create()
        .withStatus(status(completed.status()))
        .addHeaders(headers)
        .withEntity(contentType, completed.body());
  }

  static StatusCode status(int code) {
    return StatusCodes.lookup(code).orElseGet(() -> StatusCodes.custom(code, "Status " + code, "", code >= 400, true));
  }

  private static Optional<ContentType> parseContentType(String value) {
    try {
      return Optional.of(ContentTypes.parse(value));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
