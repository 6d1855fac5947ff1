package dev.renga.node.outbound;

import dev.renga.node.outbound.OutboundException.Kind;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.OutgoingConnectionBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One keep-alive Pekko HTTP client connection, opened to exactly the address its key names (the one the network
 * policy approved), serving one request at a time. Its requests come from a queue that stays open, so the connection
 * lives on between requests; its kill switch sits on both sides of it and on the response bodies read from it, so
 * aborting it closes the socket whatever the request is doing.
 */
final class OutboundConnection {
  final OutboundPool.Key key;
  final long openedAt = System.nanoTime();
  private final SharedKillSwitch killSwitch = KillSwitches.shared("outbound");
  private final BoundedSourceQueue<HttpRequest> requests;
  /** The response the request in flight waits for; null between requests. */
  private final AtomicReference<CompletableFuture<HttpResponse>> pending = new AtomicReference<>();
  private volatile boolean closed;
  private volatile int sent;

  // The pool's bookkeeping, read and written only under the pool's lock.
  /** Counted in the pool's bounds; false once the pool has let go of it. */
  boolean counted = true;
  boolean idle;
  int idleGeneration;
  Cancellable idleTimer;

  OutboundConnection(
      OutboundPool.Key key, Http http, ClientConnectionSettings settings, Materializer materializer,
      Consumer<OutboundConnection> onClosed) {
    this.key = key;
    // The look-up and the policy check happened before the pool was asked: connect to that address and no other.
    ClientTransport pinned =
        ClientTransport.withCustomResolver(
            (host, port) -> CompletableFuture.completedFuture(new InetSocketAddress(key.address(), (Integer) port)));
    OutgoingConnectionBuilder builder =
        http.connectionTo(key.host()).toPort(key.port()).withClientConnectionSettings(settings.withTransport(pinned));
    Pair<BoundedSourceQueue<HttpRequest>, CompletionStage<Done>> running =
        Source.<HttpRequest>queue(1)
            .via(killSwitch.flow())
            .via(key.https() ? builder.https() : builder.http())
            .via(killSwitch.flow())
            .toMat(Sink.foreach(this::onResponse), Keep.both())
            .run(materializer);
    this.requests = running.first();
    running
        .second()
        .whenComplete(
            (done, failure) -> {
              closed = true;
              CompletableFuture<HttpResponse> waiting = pending.getAndSet(null);
              if (waiting != null) {
                waiting.completeExceptionally(failure != null ? failure : closedWithoutResponse());
              }
              onClosed.accept(this);
            });
  }

  /** Whether a request was sent on it before: such a connection may have been closed by the server meanwhile. */
  boolean reused() {
    return sent > 0;
  }

  boolean isClosed() {
    return closed;
  }

  SharedKillSwitch killSwitch() {
    return killSwitch;
  }

  /** Sends the request; completes with the response head (its body streams from this connection) or fails. */
  CompletionStage<HttpResponse> send(HttpRequest request) {
    CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    if (!pending.compareAndSet(null, response)) {
      response.completeExceptionally(new IllegalStateException("a request is already in flight on this connection"));
      return response;
    }
    sent++;
    // Closed before the request was pending: nobody else will fail it.
    if (closed || requests.offer(request) != QueueOfferResult.enqueued()) {
      if (pending.compareAndSet(response, null)) {
        response.completeExceptionally(closedWithoutResponse());
      }
    }
    return response;
  }

  /** Closes the socket at once (an aborted request, or a response body that cannot be read to its end). */
  void abort(Throwable cause) {
    closed = true;
    killSwitch.abort(cause);
  }

  /** Closes the connection cleanly (idle, too old, or not reusable). */
  void shutdown() {
    closed = true;
    requests.complete();
    killSwitch.shutdown();
  }

  private void onResponse(HttpResponse response) {
    CompletableFuture<HttpResponse> waiting = pending.getAndSet(null);
    if (waiting == null) {
      // An answer to no request: the connection is out of step, close it (its body goes with it).
      abort(new OutboundException(Kind.NETWORK, key.host() + " answered a request that was not sent"));
      return;
    }
    waiting.complete(response);
  }

  private OutboundException closedWithoutResponse() {
    return new OutboundException(Kind.NETWORK, key.host() + ":" + key.port() + " closed the connection without a response");
  }
}
