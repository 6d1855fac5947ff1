package dev.renga.node.outbound;

import dev.renga.core.Header;
import dev.renga.node.fetch.PinnedLookup;
import dev.renga.node.fetch.NetworkPolicy;
import dev.renga.node.outbound.OutboundException.Kind;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpProtocols;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.UserAgent;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The node's HTTP client for handler code (fetch, http, https), one per actor system. Nothing in it blocks the
 * caller: each hop of a request resolves its host name (on a virtual thread), checks every address against the
 * network policy, and then runs on a keep-alive connection of {@link OutboundPool} opened to exactly the address that
 * was checked, so DNS cannot answer differently between the check and the connect, and a pooled connection serves
 * only the tenant, host, port and address it was opened for. Redirects are followed by hand, each hop checked again.
 * TLS runs above that transport and still verifies the URL's host name.
 */
public final class OutboundClient implements Extension {
  private static final Id ID = new Id();

  /** Hop-by-hop and framing headers the client sets itself; handler code cannot override them. */
  private static final Set<String> CLIENT_HEADERS =
      Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
          "expect", "proxy-connection", "content-type");

  /** Methods a request may be sent again for when a reused connection turns out closed (RFC 9110 §9.2.2). */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  /** The largest redirect body read to its end so its connection can serve the next hop; larger ones close it. */
  private static final long DISCARDED_REDIRECT_BODY = 64 * 1024;

  /** Tenants of requests sent without one: each gets connections of its own. */
  private static final AtomicLong ANONYMOUS = new AtomicLong();

  public static OutboundClient get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Creates the client from renga.sandbox.outbound.* of the system's config. */
  public static final class Id extends ExtensionId<OutboundClient> {
    @Override
    public OutboundClient createExtension(ActorSystem<?> system) {
      return new OutboundClient(system, OutboundSettings.from(system.settings().config()), PinnedLookup.SYSTEM);
    }
  }

  /** A tenant name no handler URL has: requests under it share connections with nothing else. */
  static String anonymousTenant() {
    return "anonymous:" + ANONYMOUS.incrementAndGet();
  }

  private final ActorSystem<?> system;
  private final OutboundSettings settings;
  private final PinnedLookup lookup;
  private final Materializer materializer;
  private final ExecutionContextExecutor blocking;
  private final OutboundPool pool;

  OutboundClient(ActorSystem<?> system, OutboundSettings settings, PinnedLookup.Resolver resolver) {
    this(system, settings, new PinnedLookup(resolver));
  }

  private OutboundClient(ActorSystem<?> system, OutboundSettings settings, PinnedLookup lookup) {
    this.system = system;
    this.settings = settings;
    this.lookup = lookup;
    var classic = Adapter.toClassic(system);
    Http http = Http.get(classic);
    this.materializer = Materializer.matFromSystem(system);
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    // Pekko's own idle timeout is only a backstop: the pool closes idle connections, the exchange times out requests.
    Duration backstop =
        settings.timeout().compareTo(settings.pool().idleTimeout()) > 0 ? settings.timeout() : settings.pool().idleTimeout();
    ClientConnectionSettings connectionSettings =
        ClientConnectionSettings.create(classic)
            .withConnectingTimeout(settings.timeout())
            .withIdleTimeout(backstop.plusSeconds(1))
            .withUserAgentHeader(java.util.Optional.of(UserAgent.create("renga")));
    this.pool =
        new OutboundPool(
            settings.pool(),
            key -> new OutboundConnection(key, http, connectionSettings, materializer, this::onClosed),
            system.scheduler(),
            system.executionContext());
  }

  private void onClosed(OutboundConnection connection) {
    pool.closed(connection);
  }

  public OutboundSettings settings() {
    return settings;
  }

  OutboundPool pool() {
    return pool;
  }

  /** Closes the tenant's idle connections: it will make no more requests (see {@link #anonymousTenant()}). */
  void closeIdle(String tenant) {
    pool.closeIdle(tenant);
  }

  /**
   * Starts one request for {@code tenant} (the handler URL's origin; its connections are never used for another
   * tenant) and the redirects it follows, under the given policy; response bodies draw on {@code budget}, the bytes
   * the invocation has received so far. The exchange ends by itself after the timeout.
   */
  public Exchange send(String tenant, OutboundRequest request, NetworkPolicy policy, AtomicLong budget) {
    Exchange exchange = new Exchange(tenant, request, policy, budget);
    exchange.hop(request.uri(), request.method(), request.headers(), request.body(), 0);
    return exchange;
  }

  /** Starts a request on connections of its own (reused by no other request). */
  public Exchange send(OutboundRequest request, NetworkPolicy policy, AtomicLong budget) {
    String tenant = anonymousTenant();
    Exchange exchange = send(tenant, request, policy, budget);
    exchange.result().whenComplete((r, failure) -> pool.closeIdle(tenant));
    return exchange;
  }

  /** One outbound request in flight: its result, and a way to abort it. */
  public final class Exchange {
    private final CompletableFuture<OutboundResponse> result = new CompletableFuture<>();
    private final String tenant;
    private final OutboundRequest request;
    private final NetworkPolicy policy;
    private final AtomicLong budget;
    private final Cancellable timeout;
    /** The connections this exchange is using (one, but for a moment during redirects); aborting closes them. */
    private final List<OutboundConnection> using = new ArrayList<>();
    /** Its claim on a connection while it waits for one; guarded by {@link #using}. */
    private OutboundPool.Claim claim;

    private Exchange(String tenant, OutboundRequest request, NetworkPolicy policy, AtomicLong budget) {
      this.tenant = tenant;
      this.request = request;
      this.policy = policy;
      this.budget = budget;
      this.timeout =
          system
              .scheduler()
              .scheduleOnce(
                  settings.timeout(),
                  () ->
                      fail(
                          new OutboundException(
                              Kind.TIMEOUT,
                              request.uri() + " did not answer within renga.sandbox.outbound.timeout ("
                                  + settings.timeout().toMillis() + "ms)")),
                  blocking);
    }

    /** Completes with the response, or fails with an {@link OutboundException}. */
    public CompletionStage<OutboundResponse> result() {
      return result;
    }

    /** Aborts the request (the invocation ended); its result fails. */
    public void cancel() {
      fail(new OutboundException(Kind.ABORTED, "the request was aborted"));
    }

    private void fail(Throwable failure) {
      if (result.completeExceptionally(describe(failure))) {
        timeout.cancel();
        List<OutboundConnection> open;
        OutboundPool.Claim waiting;
        synchronized (using) {
          open = List.copyOf(using);
          using.clear();
          waiting = claim;
          claim = null;
        }
        if (waiting != null) {
          pool.cancel(waiting);
        }
        // A request in flight on a connection cannot be taken back: the connection closes with it.
        open.forEach(c -> c.abort(failure));
      }
    }

    private void succeed(OutboundResponse response) {
      if (result.complete(response)) {
        timeout.cancel();
      }
    }

    /** The exchange is done with the connection; false if an abort already took it (and closed it). */
    private boolean letGo(OutboundConnection connection, boolean reusable) {
      synchronized (using) {
        if (!using.remove(connection)) {
          return false;
        }
      }
      pool.release(connection, reusable);
      return true;
    }

    private void hop(URI uri, String method, List<Header> headers, byte[] body, int redirects) {
      if (result.isDone()) {
        return;
      }
      HttpRequest httpRequest;
      try {
        httpRequest = toPekko(uri, method, headers, body);
      } catch (OutboundException e) {
        fail(e);
        return;
      } catch (RuntimeException e) {
        fail(new OutboundException(Kind.INVALID, "invalid request to " + uri + ": " + e.getMessage()));
        return;
      }
      boolean https = "https".equals(uri.getScheme());
      int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
      String host = hostOf(uri);
      resolve(host, port)
          .whenComplete(
              (address, failure) -> {
                if (failure != null) {
                  fail(failure);
                } else {
                  var key = new OutboundPool.Key(tenant, https, host, port, address);
                  send(key, httpRequest, false, uri, method, headers, body, redirects);
                }
              });
    }

    /** Sends one hop on a connection for its key: a pooled one, a new one, or one it waits for. */
    private void send(
        OutboundPool.Key key, HttpRequest httpRequest, boolean fresh, URI uri, String method, List<Header> headers,
        byte[] body, int redirects) {
      // Ended while the name was looked up: take no connection (nor room for one).
      if (result.isDone()) {
        return;
      }
      OutboundPool.Claim claimed = pool.claim(key, fresh);
      // Exactly one side gives back what the claim got: fail() if it finds the claim here, this request otherwise.
      boolean abandoned;
      synchronized (using) {
        abandoned = result.isDone();
        if (!abandoned) {
          claim = claimed;
        }
      }
      if (abandoned) {
        pool.cancel(claimed);
        return;
      }
      claimed
          .connection()
          .thenAccept(
              connection -> {
                boolean ended;
                synchronized (using) {
                  if (claim != claimed) {
                    return; // fail() took the claim and gave the connection back
                  }
                  claim = null;
                  ended = result.isDone();
                  if (!ended) {
                    using.add(connection);
                  }
                }
                if (ended) {
                  pool.release(connection, true);
                  return;
                }
                boolean reused = connection.reused();
                connection
                    .send(httpRequest)
                    .whenComplete(
                        (r, failure) -> {
                          if (failure == null) {
                            onResponse(uri, method, headers, body, redirects, r, connection);
                            return;
                          }
                          synchronized (using) {
                            using.remove(connection);
                          }
                          // The server closed a kept-alive connection as the request went out: nothing was processed.
                          if (reused && IDEMPOTENT.contains(method) && !result.isDone()) {
                            send(key, httpRequest, true, uri, method, headers, body, redirects);
                          } else {
                            fail(failure);
                          }
                        });
              })
          .exceptionally(
              failure -> {
                if (!(failure instanceof java.util.concurrent.CancellationException)
                    && !(failure.getCause() instanceof java.util.concurrent.CancellationException)) {
                  fail(failure);
                }
                return null;
              });
    }

    private void onResponse(
        URI uri, String method, List<Header> headers, byte[] body, int redirects, HttpResponse r,
        OutboundConnection connection) {
      int status = r.status().intValue();
      var location = r.getHeader("location");
      boolean redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308);
      if (redirect && location.isPresent() && request.redirect() != OutboundRequest.Redirect.MANUAL) {
        if (request.redirect() == OutboundRequest.Redirect.ERROR) {
          fail(new OutboundException(Kind.REDIRECT, uri + " redirected and redirect mode is 'error'"));
          return;
        }
        if (redirects >= settings.maxRedirects()) {
          fail(
              new OutboundException(
                  Kind.REDIRECT,
                  "more than " + settings.maxRedirects() + " redirects (renga.sandbox.outbound.max-redirects) from "
                      + request.uri()));
          return;
        }
        URI next;
        try {
          next = uri.resolve(location.get().value().trim());
        } catch (IllegalArgumentException e) {
          fail(new OutboundException(Kind.REDIRECT, uri + " redirected to an invalid URL"));
          return;
        }
        if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme()) || next.getHost() == null) {
          fail(new OutboundException(Kind.REDIRECT, uri + " redirected to a non-http(s) URL: " + next));
          return;
        }
        // As fetch does: 303 (and 301/302 after a POST) turn into a GET without a body.
        boolean toGet = status == 303 && !method.equals("GET") && !method.equals("HEAD")
            || (status == 301 || status == 302) && method.equals("POST");
        List<Header> nextHeaders = new ArrayList<>();
        for (Header h : headers) {
          String name = h.name().toLowerCase(Locale.ROOT);
          boolean crossOrigin = !origin(next).equals(origin(uri));
          if (toGet && name.startsWith("content-") || crossOrigin && (name.equals("authorization") || name.equals("cookie"))) {
            continue;
          }
          nextHeaders.add(h);
        }
        Runnable nextHop = () -> hop(next, toGet ? "GET" : method, nextHeaders, toGet ? new byte[0] : body, redirects + 1);
        var declared = r.entity().getContentLengthOption();
        if (declared.isPresent() && declared.getAsLong() <= DISCARDED_REDIRECT_BODY) {
          // A small body: read it away, so the connection can serve the next hop if it goes to the same place.
          r.discardEntityBytes(materializer)
              .completionStage()
              .whenComplete(
                  (done, failure) -> {
                    letGo(connection, failure == null && reusable(r));
                    nextHop.run();
                  });
        } else {
          letGo(connection, false);
          nextHop.run();
        }
        return;
      }
      readBody(uri, redirects > 0, r, connection);
    }

    private void readBody(URI uri, boolean redirected, HttpResponse r, OutboundConnection connection) {
      HttpEntity entity = r.entity().withoutSizeLimit();
      long max = settings.maxResponseSize();
      var declared = entity.getContentLengthOption();
      if (declared.isPresent() && budget.get() + declared.getAsLong() > max) {
        fail(tooLarge(uri));
        return;
      }
      CompletionStage<ByteString> bytes =
          entity
              .getDataBytes()
              .via(connection.killSwitch().flow())
              .map(
                  chunk -> {
                    if (budget.addAndGet(chunk.size()) > max) {
                      throw tooLarge(uri);
                    }
                    return chunk;
                  })
              .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer);
      bytes
          .whenComplete(
              (all, failure) -> {
                if (failure != null) {
                  fail(failure);
                } else {
                  // Read to its end: the connection can serve the tenant's next request.
                  letGo(connection, reusable(r));
                  succeed(
                      new OutboundResponse(
                          r.status().intValue(),
                          r.status().reason(),
                          responseHeaders(r, entity),
                          uri.toString(),
                          redirected,
                          all.toArray()));
                }
              });
    }

    private OutboundException tooLarge(URI uri) {
      return new OutboundException(
          Kind.TOO_LARGE,
          "response from " + uri + " is larger than what is left of renga.sandbox.outbound.max-response-size ("
              + settings.maxResponseSize() + " bytes per invocation)");
    }

    /** Resolves the host and checks every address it has; the connection goes to the first, exactly. */
    private CompletionStage<InetAddress> resolve(String host, int port) {
      return lookup
          .resolve(host, port, policy)
          .exceptionallyCompose(
              failure ->
                  CompletableFuture.failedFuture(
                      unwrap(failure) instanceof PinnedLookup.Refused refused
                          ? refused.forbidden()
                              ? forbidden(host, refused.getMessage())
                              : new OutboundException(Kind.NETWORK, refused.getMessage())
                          : failure));
    }

    private static Throwable unwrap(Throwable failure) {
      return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
          ? failure.getCause()
          : failure;
    }

    private OutboundException forbidden(String host, String reason) {
      return new OutboundException(
          Kind.FORBIDDEN, "connection to " + host + " is forbidden by network policy: " + reason);
    }

    /** The OutboundException in a failure's causes, or one that describes it. */
    private OutboundException describe(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof OutboundException outbound) {
          return outbound;
        }
        if (t.getCause() == t) {
          break;
        }
      }
      Throwable root = failure;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      return new OutboundException(Kind.NETWORK, "request to " + request.uri() + " failed: " + detail);
    }
  }

  /** Whether the connection may serve another request after this response (HTTP/1.1 without Connection: close). */
  private static boolean reusable(HttpResponse r) {
    if (!r.protocol().equals(HttpProtocols.HTTP_1_1)) {
      return false;
    }
    return r.getHeader("connection").map(h -> !h.value().toLowerCase(Locale.ROOT).contains("close")).orElse(true);
  }

  private static HttpRequest toPekko(URI uri, String method, List<Header> headers, byte[] body) {
    HttpMethod httpMethod =
        HttpMethods.lookup(method)
            .filter(m -> !m.value().equals("CONNECT"))
            .orElseThrow(() -> new OutboundException(Kind.INVALID, "unsupported method " + method));
    ContentType contentType = ContentTypes.APPLICATION_OCTET_STREAM;
    List<HttpHeader> pekkoHeaders = new ArrayList<>(headers.size());
    for (Header h : headers) {
      checkHeader(h);
      String name = h.name().toLowerCase(Locale.ROOT);
      if (name.equals("content-type")) {
        try {
          contentType = ContentTypes.parse(h.value());
        } catch (RuntimeException e) {
          throw new OutboundException(Kind.INVALID, "invalid content-type: " + h.value());
        }
      } else if (!CLIENT_HEADERS.contains(name)) {
        pekkoHeaders.add(RawHeader.create(h.name(), h.value()));
      }
    }
    HttpRequest request =
        HttpRequest.create()
            .withMethod(httpMethod)
            // Origin form (path and query): the connection is to the checked address, and it adds the Host header.
            .withUri(Uri.create(uri.toASCIIString()).toRelative())
            .addHeaders(pekkoHeaders);
    return body.length == 0 ? request : request.withEntity(HttpEntities.create(contentType, body));
  }

  /** Header names are tokens and values have no line breaks: nothing can be smuggled into the request. */
  private static void checkHeader(Header h) {
    if (h.name().isEmpty()) {
      throw new OutboundException(Kind.INVALID, "empty header name");
    }
    for (int i = 0; i < h.name().length(); i++) {
      char c = h.name().charAt(i);
      if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        throw new OutboundException(Kind.INVALID, "invalid header name: " + h.name());
      }
    }
    for (int i = 0; i < h.value().length(); i++) {
      char c = h.value().charAt(i);
      if (c == '\r' || c == '\n' || c == 0 || c > 255) {
        throw new OutboundException(Kind.INVALID, "invalid value for header " + h.name());
      }
    }
  }

  private static List<Header> responseHeaders(HttpResponse r, HttpEntity entity) {
    List<Header> headers = new ArrayList<>();
    for (HttpHeader h : r.getHeaders()) {
      headers.add(new Header(h.lowercaseName(), h.value()));
    }
    if (!entity.getContentType().equals(ContentTypes.NO_CONTENT_TYPE)) {
      headers.add(new Header("content-type", entity.getContentType().value()));
    }
    entity.getContentLengthOption().ifPresent(length -> headers.add(new Header("content-length", Long.toString(length))));
    return headers;
  }

  private static String hostOf(URI uri) {
    String host = uri.getHost();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }
}
