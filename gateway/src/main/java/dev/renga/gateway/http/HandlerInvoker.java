package dev.renga.gateway.http;

import dev.renga.core.ErrorCode;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.gateway.GatewaySettings;
import dev.renga.gateway.routing.Invocations;
import dev.renga.gateway.routing.Quarantine;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/** Runs one HTTP request as a handler invocation on a node and turns the node's answer into the response. */
public final class HandlerInvoker {
  private final ActorSystem<?> system;
  private final GatewaySettings settings;
  private final ActorRef<Invocations.Start> invocations;
  private final Quarantine quarantine;
  private final ErrorResponses errors;
  private final Materializer materializer;
  private final RequestLog requestLog = new RequestLog();

  /** Room kept in an Artery frame for what an invocation carries besides its body, headers and URLs. */
  private static final long MESSAGE_OVERHEAD = 16 * 1024;
  /** The most an invocation may carry: it travels to a node in one Artery message, and a larger one is dropped. */
  private final long maxMessage;
  private volatile boolean stopping;

  public HandlerInvoker(
      ActorSystem<?> system, GatewaySettings settings, ActorRef<Invocations.Start> invocations, Quarantine quarantine) {
    this.system = system;
    this.quarantine = quarantine;
    this.settings = settings;
    this.invocations = invocations;
    this.errors = new ErrorResponses(settings.retryAfter());
    this.materializer = Materializer.matFromSystem(system);
    this.maxMessage =
        system.settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size") - MESSAGE_OVERHEAD;
  }

  /** Requests this gateway has not answered yet (their response head is not sent). */
  public int unanswered() {
    return requestLog.inFlight();
  }

  /**
   * From now on new requests get 503 no-capacity and their connection is closed (a stopping gateway no longer
   * listens, but keep-alive connections would bring it requests until the end); the ones in flight finish.
   */
  public void stopAccepting() {
    stopping = true;
  }

  public CompletionStage<HttpResponse> invoke(HttpRequest request) {
    long startedAt = System.nanoTime();
    String requestId = HandlerRequests.requestId(request).orElseGet(() -> UUID.randomUUID().toString());
    RawHeader idHeader = RawHeader.create("x-request-id", requestId);
    requestLog.started();
    return (stopping ? refuse(request) : answer(request, requestId))
        .thenApply(
            answered -> {
              HttpResponse response = answered.response().addHeader(idHeader);
              requestLog.finished(request, requestId, answered.handlerUrl(), response, answered.node(), startedAt);
              return response;
            });
  }

  /** The response, with what the access log says about how it came about. */
  private record Answered(HttpResponse response, String handlerUrl, Optional<Address> node) {
    Answered(HttpResponse response, String handlerUrl) {
      this(response, handlerUrl, Optional.empty());
    }
  }

  private CompletionStage<Answered> refuse(HttpRequest request) {
    request.discardEntityBytes(materializer);
    String handlerUrl = HandlerRequests.handlerUrl(request) instanceof HandlerRequests.HandlerUrl(String url) ? url : "-";
    return CompletableFuture.completedFuture(
        new Answered(
            errors.of(ErrorCode.NO_CAPACITY, "this gateway is stopping: retry (another gateway will take it)", handlerUrl)
                .addHeader(Connection.create("close")),
            handlerUrl));
  }

  private CompletionStage<Answered> answer(HttpRequest request, String requestId) {
    if (!(HandlerRequests.handlerUrl(request) instanceof HandlerRequests.HandlerUrl(String handlerUrl))) {
      request.discardEntityBytes(materializer);
      return CompletableFuture.completedFuture(
          new Answered(errors.of(((HandlerRequests.Invalid) HandlerRequests.handlerUrl(request)).error(), null), "-"));
    }
    var quarantined = quarantine.remaining(handlerUrl);
    if (quarantined.isPresent()) {
      request.discardEntityBytes(materializer);
      return CompletableFuture.completedFuture(
          new Answered(
              errors.of(
                  new dev.renga.core.HandlerError(
                      ErrorCode.QUARANTINED,
                      "this handler was running on nodes that died; it is refused for another "
                          + quarantined.get().toSeconds() + "s"),
                  handlerUrl,
                  quarantined.get()),
              handlerUrl));
    }
    if (request.entity().getContentLengthOption().orElse(0L) > settings.maxBody()) {
      request.discardEntityBytes(materializer);
      return CompletableFuture.completedFuture(new Answered(bodyTooLarge(handlerUrl), handlerUrl));
    }
    return request
        .entity()
        .withSizeLimit(settings.maxBody())
        .toStrict(settings.nodeTimeout().toMillis(), materializer)
        .thenCompose(
            strict -> {
              byte[] body = strict.getData().toArray();
              Invocation invocation =
                  new Invocation(
                      requestId,
                      handlerUrl,
                      request.method().value(),
                      HandlerRequests.handlerView(request),
                      request.protocol().value().substring("HTTP/".length()),
                      HandlerRequests.handlerHeaders(request, requestId, body.length),
                      body);
              if (size(invocation) > maxMessage) {
                return CompletableFuture.completedFuture(
                    new Answered(
                        errors.of(
                            ErrorCode.BODY_TOO_LARGE,
                            "request body and headers together are larger than one message to a node can carry ("
                                + maxMessage + " bytes)",
                            handlerUrl),
                        handlerUrl));
              }
              return dispatch(invocation);
            })
        .exceptionally(failure -> new Answered(failure(failure, handlerUrl), handlerUrl));
  }

  /** Roughly what the invocation weighs as a message: its body, header names and values and URLs (characters). */
  private static long size(Invocation invocation) {
    long size = invocation.body().length + invocation.handlerUrl().length() + invocation.url().length();
    for (var header : invocation.headers()) {
      size += header.name().length() + header.value().length();
    }
    return size;
  }

  private CompletionStage<Answered> dispatch(Invocation invocation) {
    CompletableFuture<Invocations.Answer> answer = new CompletableFuture<>();
    invocations.tell(new Invocations.Start(invocation, answer));
    return answer.thenApply(
        answered ->
            new Answered(
                switch (answered.reply()) {
                  case NodeProtocol.Completed completed -> HandlerResponses.of(completed);
                  case NodeProtocol.Head head -> HandlerResponses.streamed(head, answered.body().orElseThrow(), materializer);
                  case NodeProtocol.Failed failed -> errors.of(failed.error(), invocation.handlerUrl());
                  default -> throw new IllegalStateException("not a final answer: " + answered.reply());
                },
                invocation.handlerUrl(),
                answered.node()));
  }

  private HttpResponse bodyTooLarge(String handlerUrl) {
    return errors.of(
        ErrorCode.BODY_TOO_LARGE,
        "request body is larger than renga.gateway.max-body (" + settings.maxBody() + " bytes)",
        handlerUrl);
  }

  private HttpResponse failure(Throwable failure, String handlerUrl) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof EntityStreamSizeException) {
      return bodyTooLarge(handlerUrl);
    }
    // The client, not a node: a body that does not arrive in time, or a connection closed in the middle of it.
    if (cause instanceof TimeoutException) {
      return errors.of(
              ErrorCode.REQUEST_INVALID,
              "the request body did not arrive within " + settings.nodeTimeout().toMillis() + "ms",
              handlerUrl)
          .withStatus(StatusCodes.REQUEST_TIMEOUT);
    }
    if (cause instanceof EntityStreamException) {
      return errors.of(ErrorCode.REQUEST_INVALID, "the request body was cut off: " + cause.getMessage(), handlerUrl);
    }
    system.log().error("request for {} failed", handlerUrl, cause);
    return errors.of(ErrorCode.NODE_LOST, "the request was lost on its way to a node: " + cause, handlerUrl);
  }
}
