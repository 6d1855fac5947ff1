package dev.renga.gateway.http;

import dev.renga.core.ErrorCode;
import dev.renga.core.Header;
import dev.renga.core.NodeProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity.ChunkStreamPart;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/** Turns the response a handler wrote into an HTTP response. */
public final class HandlerResponses {
  /**
   * Headers the HTTP layer owns: a handler's values for these are dropped (content-type goes to the entity; trailer
   * is kept on chunked responses, which can carry trailers).
   */
  private static final List<String> HOP_BY_HOP =
      List.of("content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "date", "server", "trailer");
  /**
   * Headers the gateway sets: a response the handler wrote never carries x-renga-error (DESIGN §6), and its
   * x-request-id is the gateway's.
   */
  private static final List<String> GATEWAY_OWNED = List.of(ErrorCode.HEADER, "x-request-id");

  private HandlerResponses() {}

  public static HttpResponse of(NodeProtocol.Completed completed) {
    return head(completed.status(), completed.reason(), completed.headers(), false, (contentType, response) -> response.withEntity(contentType, completed.body()));
  }

  /**
   * A response the handler streams: chunked transfer, each chunk sent as the node sends it. A status that allows
   * no body (1xx, 204, 304) goes out without one, and the chunks are drained.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static HttpResponse streamed(
      NodeProtocol.Head head, Source<ChunkStreamPart, NotUsed> chunks, Materializer materializer) {
    if (!status(head.status(), head.reason()).allowsEntity()) {
      chunks.runWith(Sink.ignore(), materializer);
    }
    // The Java DSL builds chunked entities from bytes only; trailers need the last chunk, so build it in Scala's.
    return head(
        head.status(),
        head.reason(),
        head.headers(),
        true,
        (contentType, response) ->
            response.withEntity(
                org.apache.pekko.http.scaladsl.model.HttpEntity.Chunked$.MODULE$.apply(
                    (org.apache.pekko.http.scaladsl.model.ContentType) contentType, (org.apache.pekko.stream.scaladsl.Source) chunks.asScala())));
  }

  private static HttpResponse head(
      int status,
      String reason,
      List<Header> handlerHeaders,
      boolean chunked,
      BiFunction<ContentType, HttpResponse, HttpResponse> withEntity) {
    ContentType contentType = ContentTypes.NO_CONTENT_TYPE;
    List<HttpHeader> headers = new ArrayList<>(handlerHeaders.size());
    for (Header header : handlerHeaders) {
      String name = header.name().toLowerCase(Locale.ROOT);
      if (name.equals("content-type")) {
        contentType = parseContentType(header.value()).orElse(contentType);
      } else if ((!HOP_BY_HOP.contains(name) || (chunked && name.equals("trailer"))) && !GATEWAY_OWNED.contains(name)) {
        headers.add(RawHeader.create(header.name(), header.value()));
      }
    }
    StatusCode statusCode = status(status, reason);
    HttpResponse response = HttpResponse.create().withStatus(statusCode).addHeaders(headers);
    // HTTP forbids a body with 1xx, 204 and 304 (Node drops what the handler wrote; so does the gateway).
    return statusCode.allowsEntity() ? withEntity.apply(contentType, response) : response;
  }

  /** The status with the handler's reason phrase, if it gave one; otherwise the standard phrase. */
  static StatusCode status(int code, String reason) {
    var standard = StatusCodes.lookup(code);
    if (reason == null || (standard.isPresent() && standard.get().reason().equals(reason))) {
      return standard.orElseGet(() -> StatusCodes.custom(code, "Status " + code, "", code < 400, true));
    }
    return StatusCodes.custom(code, reason, "", code < 400, code >= 200 && code != 204 && code != 304);
  }

  /**
   * Parsed content types, by the handler's header value: handlers send a few distinct ones, and parsing one was 2 %
   * of the gateway's CPU on hello. Bounded: values beyond the first {@link #PARSED_MAX} are parsed every time.
   */
  private static final int PARSED_MAX = 1024;

  private static final Map<String, Optional<ContentType>> parsed = new ConcurrentHashMap<>();

  private static Optional<ContentType> parseContentType(String value) {
    Optional<ContentType> known = parsed.get(value);
    if (known != null) {
      return known;
    }
    Optional<ContentType> type;
    try {
      type = Optional.of(ContentTypes.parse(value));
    } catch (RuntimeException e) {
      type = Optional.empty();
    }
    if (parsed.size() < PARSED_MAX) {
      parsed.put(value, type);
    }
    return type;
  }
}
