package dev.renga.gateway.http;

import dev.renga.core.ErrorCode;
import dev.renga.core.HandlerError;
import dev.renga.core.Header;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/** Reads what a handler invocation needs from an HTTP request (DESIGN §4). Pure functions, no I/O. */
public final class HandlerRequests {
  public static final String HANDLER = "x-haiku-handler";
  public static final String CONSOLE = "x-haiku-console";
  private static final String REQUEST_ID = "x-request-id";
  /** Longest handler URL accepted; browsers and servers rarely go further, and it bounds the cache keys. */
  public static final int MAX_URL_LENGTH = 8192;

  private HandlerRequests() {}

  /** The handler URL (header wins over query parameter), or the error to answer with. */
  public sealed interface Resolved {}

  public record HandlerUrl(String url) implements Resolved {}

  public record Invalid(HandlerError error) implements Resolved {}

  public static Resolved handlerUrl(HttpRequest request) {
    Optional<String> raw =
        request.getHeader(HANDLER).map(HttpHeader::value).or(() -> queryParameter(request, HANDLER));
    if (raw.isEmpty() || raw.get().isBlank()) {
      return new Invalid(
          new HandlerError(
              ErrorCode.HANDLER_MISSING, "no handler URL: send the header x-haiku-handler or the query parameter"));
    }
    String url = raw.get().trim();
    if (url.length() > MAX_URL_LENGTH) {
      return new Invalid(
          new HandlerError(
              ErrorCode.HANDLER_URL_INVALID,
              "the handler URL has " + url.length() + " characters, more than " + MAX_URL_LENGTH + ": " + abbreviate(url)));
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if (!uri.isAbsolute()
          || !(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getPort() > 65535) {
        return new Invalid(
            new HandlerError(ErrorCode.HANDLER_URL_INVALID, "not an absolute http(s) URL: " + abbreviate(url)));
      }
      return new HandlerUrl(uri.toString());
    } catch (URISyntaxException e) {
      return new Invalid(
          new HandlerError(ErrorCode.HANDLER_URL_INVALID, "not an absolute http(s) URL: " + abbreviate(url)));
    }
  }

  /** The request id from x-request-id, or empty. */
  public static Optional<String> requestId(HttpRequest request) {
    return request.getHeader(REQUEST_ID).map(HttpHeader::value).filter(v -> !v.isBlank() && v.length() <= 200);
  }

  /** Path and query as the handler sees them: without the x-haiku-* query parameters. */
  public static String handlerView(HttpRequest request) {
    String path = request.getUri().getPathString();
    if (path.isEmpty()) {
      path = "/";
    }
    Optional<String> query = request.getUri().rawQueryString();
    if (query.isEmpty()) {
      return path;
    }
    StringJoiner kept = new StringJoiner("&");
    for (String part : query.get().split("&", -1)) {
      String name = decode(part.split("=", 2)[0]);
      if (!name.equals(HANDLER) && !name.equals(CONSOLE)) {
        kept.add(part);
      }
    }
    return kept.length() == 0 ? path : path + "?" + kept;
  }

  /**
   * The headers for the node: lower-case names, Renga's own routing headers removed, entity headers added, and the
   * console mode (x-haiku-console, which the node takes out again before the handler sees the headers).
   */
  public static List<Header> handlerHeaders(HttpRequest request, String requestId, long bodyLength) {
    List<Header> headers = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      String name = header.lowercaseName();
      if (name.equals(HANDLER) || name.equals(CONSOLE) || name.equals("timeout-access") || name.equals(REQUEST_ID)) {
        continue;
      }
      headers.add(new Header(name, header.value()));
    }
    if (!request.entity().getContentType().equals(org.apache.pekko.http.javadsl.model.ContentTypes.NO_CONTENT_TYPE)) {
      headers.add(new Header("content-type", request.entity().getContentType().toString()));
    }
    if (bodyLength > 0 || request.entity().getContentLengthOption().isPresent()) {
      headers.add(new Header("content-length", Long.toString(bodyLength)));
    }
    headers.add(new Header(REQUEST_ID, requestId));
    // The console mode (header wins over query parameter) travels to the node as one normalised header.
    request
        .getHeader(CONSOLE)
        .map(HttpHeader::value)
        .or(() -> queryParameter(request, CONSOLE))
        .map(mode -> mode.trim().toLowerCase(java.util.Locale.ROOT))
        .filter(mode -> !mode.isEmpty() && !mode.equals("none"))
        .ifPresent(mode -> headers.add(new Header(CONSOLE, mode)));
    return headers;
  }

  private static Optional<String> queryParameter(HttpRequest request, String name) {
    return request.getUri().query().get(name);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
