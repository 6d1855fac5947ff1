package dev.renga.gateway.http;

import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.RequestEntityAcceptances;
import org.apache.pekko.http.javadsl.settings.ServerSettings;

/**
 * The request methods Node's HTTP server accepts ({@code http.METHODS}) beyond the nine Pekko HTTP knows, so that
 * a handler written for Node sees a PURGE or PROPFIND instead of the gateway answering 501.
 */
public final class ExtraMethods {
  private static final HttpMethod[] METHODS =
      Stream.of(
              "ACL", "BIND", "CHECKOUT", "COPY", "LINK", "LOCK", "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR",
              "MKCOL", "MOVE", "NOTIFY", "PROPFIND", "PROPPATCH", "PURGE", "QUERY", "REBIND", "REPORT", "SEARCH",
              "SOURCE", "SUBSCRIBE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE")
          .map(name -> HttpMethods.custom(name, false, false, RequestEntityAcceptances.Tolerated))
          .toArray(HttpMethod[]::new);

  private ExtraMethods() {}

  /** {@code settings} whose parser also accepts the extra methods. */
  public static ServerSettings accept(ServerSettings settings) {
    return settings.withParserSettings(settings.getParserSettings().withCustomMethods(METHODS));
  }
}
