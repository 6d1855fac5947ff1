package dev.renga.node.outbound;

import dev.renga.core.Header;
import dev.renga.node.fetch.Lookups;
import dev.renga.node.fetch.NetworkPolicy;
import dev.renga.node.outbound.OutboundException.Kind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.OutgoingConnectionBuilder;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.UserAgent;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The node's HTTP client for handler code (fetch, http, https), one per actor system. Nothing in it blocks the
 * caller: every request runs on its own Pekko HTTP connection whose host name is resolved (on the blocking
 * dispatcher) and checked address by address against the network policy before the connection is opened to exactly
 * the address that was checked, so DNS cannot answer differently between the check and the connect. Redirects are
 * followed by hand, each one a new checked connection. TLS runs above that transport and still verifies the URL's
 * host name.
 */
public final class OutboundClient implements Extension {
  private static final Id ID = new Id();

  /** Hop-by-hop and framing headers the client sets itself; handler code cannot override them. */
  private static final Set<String> CLIENT_HEADERS =
      Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
          "expect", "proxy-connection", "content-type");

  public static OutboundClient get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Creates the client from renga.sandbox.outbound.* of the system's config. */
  public static final class Id extends ExtensionId<OutboundClient> {
    @Override
    public OutboundClient createExtension(ActorSystem<?> system) {
      return new OutboundClient(system, OutboundSettings.from(system.settings().config()));
    }
  }

  private final ActorSystem<?> system;
  private final OutboundSettings settings;
  private final Http http;
  private final Materializer materializer;
  private final ExecutionContextExecutor blocking;
  private final ClientConnectionSettings connectionSettings;

  private OutboundClient(ActorSystem<?> system, OutboundSettings settings) {
    this.system = system;
    this.settings = settings;
    var classic = Adapter.toClassic(system);
    this.http = Http.get(classic);
    this.materializer = Materializer.matFromSystem(system);
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    this.connectionSettings =
        ClientConnectionSettings.create(classic)
            .withConnectingTimeout(settings.timeout())
            .withIdleTimeout(settings.timeout())
            .withUserAgentHeader(java.util.Optional.of(UserAgent.create("renga")));
  }

  public OutboundSettings settings() {
    return settings;
  }

  /**
   * Starts one request (and the redirects it follows) under the given policy; response bodies draw on {@code
   * budget}, the bytes the invocation has received so far. The exchange ends by itself after the timeout.
   */
  public Exchange send(OutboundRequest request, NetworkPolicy policy, AtomicLong budget) {
    Exchange exchange = new Exchange(request, policy, budget);
    exchange.hop(request.uri(), request.method(), request.headers(), request.body(), 0);
    return exchange;
  }

  /** One outbound request in flight: its result, and a way to abort it. */
  public final class Exchange {
    private final CompletableFuture<OutboundResponse> result = new CompletableFuture<>();
    private final OutboundRequest request;
    private final NetworkPolicy policy;
    private final AtomicLong budget;
    private final Cancellable timeout;
    /** Each hop's switch, on both sides of its connection and on its body stream: aborting it closes the socket. */
    private final List<SharedKillSwitch> switches = new ArrayList<>();

    private Exchange(OutboundRequest request, NetworkPolicy policy, AtomicLong budget) {
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
        abortStreams(failure);
      }
    }

    private void succeed(OutboundResponse response) {
      if (result.complete(response)) {
        timeout.cancel();
        // The body is read: end the request side too, so the connection closes cleanly.
        close(List.copyOf(switches), SharedKillSwitch::shutdown);
      }
    }

    private void abortStreams(Throwable failure) {
      timeout.cancel();
      close(List.copyOf(switches), s -> s.abort(failure));
    }

    private void close(List<SharedKillSwitch> open, java.util.function.Consumer<SharedKillSwitch> how) {
      synchronized (switches) {
        switches.removeAll(open);
      }
      open.forEach(how);
    }

    private SharedKillSwitch newSwitch() {
      SharedKillSwitch killSwitch = KillSwitches.shared("outbound");
      synchronized (switches) {
        switches.add(killSwitch);
      }
      return killSwitch;
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
      ClientConnectionSettings checked =
          connectionSettings.withTransport(ClientTransport.withCustomResolver((host, p) -> resolve(host, (Integer) p)));
      OutgoingConnectionBuilder builder =
          http.connectionTo(hostOf(uri)).toPort(port).withClientConnectionSettings(checked);
      CompletableFuture<HttpResponse> response = new CompletableFuture<>();
      SharedKillSwitch killSwitch = newSwitch();
      // The request side stays open until the switch ends it: a connection whose request side completed would wait
      // for the response, deaf to cancellation of the response side.
      CompletionStage<Done> connection =
          Source.single(httpRequest)
              .concat(Source.never())
              .via(killSwitch.flow())
              .via(https ? builder.https() : builder.http())
              .via(killSwitch.flow())
              .toMat(Sink.foreach(response::complete), Keep.right())
              .run(materializer);
      // Cancelled while the stream was being started: close it too.
      if (result.isDone()) {
        killSwitch.abort(new OutboundException(Kind.ABORTED, "the request was aborted"));
      }
      connection
          .whenComplete(
              (done, failure) -> {
                if (failure != null) {
                  response.completeExceptionally(failure);
                } else if (!response.isDone()) {
                  response.completeExceptionally(
                      new OutboundException(Kind.NETWORK, uri + " closed the connection without a response"));
                }
              });
      response.whenComplete(
          (r, failure) -> {
            if (failure != null) {
              fail(failure);
            } else {
              onResponse(uri, method, headers, body, redirects, r, killSwitch);
            }
          });
    }

    private void onResponse(
        URI uri, String method, List<Header> headers, byte[] body, int redirects, HttpResponse r,
        SharedKillSwitch killSwitch) {
      int status = r.status().intValue();
      var location = r.getHeader("location");
      boolean redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308);
      if (redirect && location.isPresent() && request.redirect() != OutboundRequest.Redirect.MANUAL) {
        r.discardEntityBytes(materializer);
        close(List.of(killSwitch), SharedKillSwitch::shutdown);
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
        hop(next, toGet ? "GET" : method, nextHeaders, toGet ? new byte[0] : body, redirects + 1);
        return;
      }
      readBody(uri, redirects > 0, r, killSwitch);
    }

    private void readBody(URI uri, boolean redirected, HttpResponse r, SharedKillSwitch killSwitch) {
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
              .via(killSwitch.flow())
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
    private CompletionStage<InetSocketAddress> resolve(String host, int port) {
      return CompletableFuture.supplyAsync(
          () -> {
            policy.hostDenial(host).ifPresent(reason -> {
              throw forbidden(host, reason);
            });
            InetAddress[] addresses;
            try {
              addresses = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
              throw new OutboundException(Kind.NETWORK, "unknown host " + host);
            }
            for (InetAddress address : addresses) {
              policy.denial(address).ifPresent(reason -> {
                throw forbidden(host, reason);
              });
            }
            return new InetSocketAddress(addresses[0], port);
          },
          Lookups.executor());
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
