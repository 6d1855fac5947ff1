package dev.renga.node.fetch;

import dev.renga.core.ErrorCode;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches handler sources over HTTP without blocking the caller: redirects followed by hand (so each hop is
 * counted and checked against the network policy), bodies bounded by renga.handlers.max-size.
 */
public final class HandlerFetcher {
  private final HandlerSettings settings;
  private final NetworkPolicy policy;
  private final Executor blocking;
  private final HttpClient client;

  /**
   * @param blocking where DNS look-ups run (they block; {@link Lookups#executor()} on a node)
   */
  public HandlerFetcher(HandlerSettings settings, Executor blocking) {
    this.settings = settings;
    this.policy = new NetworkPolicy(settings.allowPrivateNetwork());
    this.blocking = blocking;
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.fetchTimeout())
            .build();
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
    return fetch(uri, validators, 0)
        .exceptionallyCompose(
            e -> CompletableFuture.failedFuture(asFetchException(url, e instanceof CompletionException ? e.getCause() : e)));
  }

  private CompletableFuture<FetchResult> fetch(URI uri, Validators validators, int redirects) {
    if (!settings.allow().allows(uri)) {
      return CompletableFuture.failedFuture(
          new HandlerFetchException(
              ErrorCode.HANDLER_FORBIDDEN, uri + " is not allowed by renga.handlers.allow " + settings.allow().patterns()));
    }
    return CompletableFuture.runAsync(() -> checkPolicy(uri), blocking)
        .orTimeout(settings.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(ignored -> client.sendAsync(request(uri, validators), this::bodyHandler))
        .thenCompose(response -> followOrRead(uri, validators, response, redirects));
  }

  private CompletableFuture<FetchResult> followOrRead(
      URI uri, Validators validators, HttpResponse<byte[]> response, int redirects) {
    int status = response.statusCode();
    if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
      String location = response.headers().firstValue("location").orElse(null);
      if (location == null) {
        throw new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, uri + " redirected without a Location");
      }
      if (redirects >= settings.maxRedirects()) {
        throw new HandlerFetchException(
            ErrorCode.HANDLER_FETCH_FAILED, "more than " + settings.maxRedirects() + " redirects");
      }
      URI next = uri.resolve(location);
      if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme())) {
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

  private HttpRequest request(URI uri, Validators validators) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.fetchTimeout())
            .header("accept", "application/javascript, text/javascript, text/plain, */*")
            .GET();
    if (validators.etag() != null) {
      request.header("if-none-match", validators.etag());
    }
    if (validators.lastModified() != null) {
      request.header("if-modified-since", validators.lastModified());
    }
    return request.build();
  }

  private void checkPolicy(URI uri) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, "unknown host " + uri.getHost());
    }
    for (InetAddress address : addresses) {
      policy
          .denial(address)
          .ifPresent(reason -> {
            throw new HandlerFetchException(ErrorCode.HANDLER_FORBIDDEN, uri + ": " + reason);
          });
    }
  }

  private BodySubscriber<byte[]> bodyHandler(HttpResponse.ResponseInfo info) {
    if (info.statusCode() != 200) {
      return BodySubscribers.replacing(new byte[0]);
    }
    long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
    if (declared > settings.maxSize()) {
      return new LimitedBody(-1);
    }
    return new LimitedBody(settings.maxSize());
  }

  private HandlerFetchException asFetchException(String url, Throwable e) {
    if (e instanceof HandlerFetchException fetch) {
      return fetch;
    }
    if (e instanceof HttpTimeoutException || e instanceof TimeoutException) {
      return new HandlerFetchException(
          ErrorCode.HANDLER_FETCH_FAILED, "timed out after " + settings.fetchTimeout().toMillis() + "ms");
    }
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new HandlerFetchException(ErrorCode.HANDLER_FETCH_FAILED, "could not fetch " + url + " (" + detail + ")");
  }

  /** Collects a body up to a limit and fails as soon as it grows past it (a negative limit fails at once). */
  private final class LimitedBody implements BodySubscriber<byte[]> {
    private final long limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    private final AtomicLong size = new AtomicLong();
    private Flow.Subscription subscription;

    LimitedBody(long limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (limit < 0) {
        tooLarge();
      } else {
        subscription.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        if (size.addAndGet(item.remaining()) > limit) {
          tooLarge();
          return;
        }
        byte[] bytes = new byte[item.remaining()];
        item.get(bytes);
        buffer.writeBytes(bytes);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(buffer.toByteArray());
    }

    private void tooLarge() {
      subscription.cancel();
      result.completeExceptionally(
          new HandlerFetchException(
              ErrorCode.HANDLER_TOO_LARGE, "handler is larger than renga.handlers.max-size (" + settings.maxSize() + " bytes)"));
    }
  }
}
