package dev.renga.node.fetch;

import dev.renga.core.ErrorCode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.OutgoingConnectionBuilder;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.UserAgent;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Fetches handler sources over HTTP without blocking the caller: redirects followed by hand (so each hop is
 * counted and checked against the network policy), bodies bounded by renga.handlers.max-size.
 *
 * <p>Each hop resolves the URL's host once ({@link PinnedLookup}, as handlers' outbound HTTP does), checks every
 * address against the node's network policy, and opens a connection to exactly the address it checked: a name server
 * cannot send the fetch elsewhere between the check and the connect (DNS rebinding). The request still names the
 * URL's host (the Host header; for https the SNI name and the certificate's host name check).
 */
public final class HandlerFetcher {
  private final HandlerSettings settings;
  private final NetworkPolicy policy;
  private final PinnedLookup lookup;
  private final Http http;
  private final Materializer materializer;
  private final ClientConnectionSettings connectionSettings;

  /** A fetcher on the system's Pekko HTTP, resolving names with the JVM's resolver. */
  public HandlerFetcher(HandlerSettings settings, ActorSystem<?> system) {
    this(settings, system, PinnedLookup.SYSTEM);
  }

  /** A fetcher whose look-ups go through {@code lookup} (a stub resolver in tests). */
  public HandlerFetcher(HandlerSettings settings, ActorSystem<?> system, PinnedLookup lookup) {
    this.settings = settings;
    this.policy = new NetworkPolicy(settings.allowPrivateNetwork());
    this.lookup = lookup;
    var classic = Adapter.toClassic(system);
    this.http = Http.get(classic);
    this.materializer = Materializer.matFromSystem(system);
    this.connectionSettings =
        ClientConnectionSettings.create(classic)
            .withConnectingTimeout(settings.fetchTimeout())
            .withIdleTimeout(settings.fetchTimeout().plus(Duration.ofSeconds(1)))
            .withUserAgentHeader(java.util.Optional.of(UserAgent.create("renga")));
  }

  /** How this fetcher fetches and what it allows. */
  public HandlerSettings settings() {
    return settings;
  }

  /** The handler's source text; fails with a {@link HandlerFetchException}. */
  public CompletionStage<String> fetch(String url) {
    return fetch(url, Validators.NONE).thenApply(FetchResult::code);
  }

  /**
   * Fetches a handler, conditionally when validators are given (a 304 answer then means the cached copy is
   * current); fails with a {@link HandlerFetchException}.
   */
  public CompletionStage<FetchResult> fetch(String url, Validators validators) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new HandlerFetchException(ErrorCode.HANDLER_URL_INVALID, "not a valid URL: " + url));
    }
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      return CompletableFuture.failedFuture(
          new HandlerFetchException(ErrorCode.HANDLER_URL_INVALID, "not an absolute http(s) URL: " + url));
    }
    return fetch(uri, validators, 0)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(asFetchException(url, unwrap(e))));
  }

  private CompletableFuture<FetchResult> fetch(URI uri, Validators validators, int redirects) {
    if (!settings.allow().allows(uri)) {
      return CompletableFuture.failedFuture(
          new HandlerFetchException(
              ErrorCode.HANDLER_FORBIDDEN, uri + " is not allowed by renga.handlers.allow " + settings.allow().patterns()));
    }
    boolean https = "https".equals(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    String host = hostOf(uri);
    return lookup
        .resolve(host, port, policy)
        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(refusal(uri, unwrap(failure))))
        .thenCompose(address -> send(new InetSocketAddress(address, port), host, https, request(uri, validators)))
        .thenCompose(response -> followOrRead(uri, validators, response, redirects));
  }

  /**
   * Sends one request on a connection of its own to exactly {@code address}, naming {@code host} (Host header, SNI,
   * certificate check), and reads the whole response within renga.handlers.fetch-timeout.
   */
  private CompletableFuture<Received> send(InetSocketAddress address, String host, boolean https, HttpRequest request) {
    // The connection's resolver answers with the checked address, whatever the name resolves to now.
    ClientTransport pinned = ClientTransport.withCustomResolver((name, port) -> CompletableFuture.completedFuture(address));
    OutgoingConnectionBuilder builder =
        http.connectionTo(host).toPort(address.getPort()).withClientConnectionSettings(connectionSettings.withTransport(pinned));
    Pair<UniqueKillSwitch, CompletionStage<HttpResponse>> running =
        Source.single(request)
            .viaMat(KillSwitches.single(), Keep.right())
            .via(https ? builder.https() : builder.http())
            .toMat(Sink.head(), Keep.both())
            .run(materializer);
    long timeout = settings.fetchTimeout().toMillis();
    CompletableFuture<Received> received =
        running
            .second()
            .thenCompose(response -> read(response, timeout))
            .toCompletableFuture()
            .orTimeout(timeout, TimeUnit.MILLISECONDS);
    // However it ended (a timeout, a body too large), the connection goes with it.
    received.whenComplete((r, failure) -> {
      if (failure != null) {
        running.first().abort(failure);
      }
    });
    return received;
  }

  /** The response with its body: read to its end (bounded by max-size) for a 200, discarded otherwise. */
  private CompletionStage<Received> read(HttpResponse response, long timeoutMillis) {
    HttpHeaders headers = headersOf(response);
    if (response.status().intValue() != 200) {
      return response
          .discardEntityBytes(materializer)
          .completionStage()
          .thenApply(done -> new Received(response.status().intValue(), headers, new byte[0]));
    }
    return response
        .entity()
        .withSizeLimit(settings.maxSize())
        .toStrict(timeoutMillis, materializer)
        .thenApply(strict -> new Received(200, headers, strict.getData().toArray()));
  }

  /** A response as the fetcher needs it: status, headers (caching directives, validators, Location), body. */
  private record Received(int status, HttpHeaders headers, byte[] body) {}

  private CompletableFuture<FetchResult> followOrRead(URI uri, Validators validators, Received response, int redirects) {
    int status = response.status();
    if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
      String location = response.headers().firstValue("location").orElse(null);
      if (location == null) {
        throw new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, uri + " redirected without a Location");
      }
      if (redirects >= settings.maxRedirects()) {
        throw new HandlerFetchException(
            ErrorCode.HANDLER_FETCH_FAILED, "more than " + settings.maxRedirects() + " redirects");
      }
      URI next;
      try {
        next = uri.resolve(location);
      } catch (IllegalArgumentException e) {
        throw new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, uri + " redirected to an invalid URL: " + location);
      }
      if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme()) || next.getHost() == null) {
        throw new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, "redirect to a non-http(s) URL: " + next);
      }
      return fetch(next, validators, redirects + 1);
    }
    if (status == 304 && validators.any()) {
      return CompletableFuture.completedFuture(new FetchResult(true, null, 0, response.headers()));
    }
    if (status != 200) {
      throw new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, uri + " answered HTTP " + status);
    }
    byte[] body = response.body();
    String text = new String(body, StandardCharsets.UTF_8);
    return CompletableFuture.completedFuture(
        new FetchResult(false, text.startsWith("\uFEFF") ? text.substring(1) : text, body.length, response.headers()));
  }

  private static HttpRequest request(URI uri, Validators validators) {
    String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    List<HttpHeader> headers = new ArrayList<>();
    headers.add(RawHeader.create("accept", "application/javascript, text/javascript, text/plain, */*"));
    if (validators.etag() != null) {
      headers.add(RawHeader.create("if-none-match", validators.etag()));
    }
    if (validators.lastModified() != null) {
      headers.add(RawHeader.create("if-modified-since", validators.lastModified()));
    }
    return HttpRequest.GET(target).withHeaders(headers);
  }

  /** The response's headers as the cache reads them (names in lower case; modelled headers rendered as sent). */
  private static HttpHeaders headersOf(HttpResponse response) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (HttpHeader header : response.getHeaders()) {
      map.computeIfAbsent(header.lowercaseName(), name -> new ArrayList<>()).add(header.value());
    }
    return HttpHeaders.of(map, (name, value) -> true);
  }

  /** What a refused look-up means for a handler URL: forbidden by the policy, or a fetch that failed. */
  private static HandlerFetchException refusal(URI uri, Throwable failure) {
    if (failure instanceof PinnedLookup.Refused refused) {
      return refused.forbidden()
          ? new HandlerFetchException(ErrorCode.HANDLER_FORBIDDEN, uri + ": " + refused.getMessage())
          : new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, refused.getMessage());
    }
    return new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, "could not resolve " + uri.getHost() + " (" + failure + ")");
  }

  private static String hostOf(URI uri) {
    String host = uri.getHost();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private HandlerFetchException asFetchException(String url, Throwable e) {
    if (e instanceof HandlerFetchException fetch) {
      return fetch;
    }
    if (e instanceof EntityStreamSizeException) {
      return new HandlerFetchException(
          ErrorCode.HANDLER_TOO_LARGE, "handler is larger than renga.handlers.max-size (" + settings.maxSize() + " bytes)");
    }
    if (e instanceof TimeoutException) {
      return new HandlerFetchException(
          ErrorCode.HANDLER_FETCH_FAILED, "timed out after " + settings.fetchTimeout().toMillis() + "ms");
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    return new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, "could not fetch " + url + " (" + detail + ")");
  }
}
