package dev.renga.gateway.http;

import dev.renga.core.ErrorCode;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.gateway.GatewaySettings;
import dev.renga.gateway.routing.NodeRouter;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/** Runs one HTTP request as a handler invocation on a node and turns the node's answer into the response. */
public final class HandlerInvoker {
  private final ActorSystem<?> system;
  private final GatewaySettings settings;
  private final NodeRouter router;
  private final ErrorResponses errors;
  private final Materializer materializer;

  public HandlerInvoker(ActorSystem<?> system, GatewaySettings settings, NodeRouter router) {
    this.system = system;
    this.settings = settings;
    this.router = router;
    this.errors = new ErrorResponses(settings.retryAfter());
    this.materializer = Materializer.matFromSystem(system);
  }

  public CompletionStage<HttpResponse> invoke(HttpRequest request) {
    String requestId = HandlerRequests.requestId(request).orElseGet(() -> UUID.randomUUID().toString());
    RawHeader idHeader = RawHeader.create("x-request-id", requestId);
    return answer(request, requestId).thenApply(response -> response.addHeader(idHeader));
  }

  private CompletionStage<HttpResponse> answer(HttpRequest request, String requestId) {
    if (!(HandlerRequests.handlerUrl(request) instanceof HandlerRequests.HandlerUrl(String handlerUrl))) {
      request.discardEntityBytes(materializer);
      return CompletableFuture.completedFuture(
          errors.of(((HandlerRequests.Invalid) HandlerRequests.handlerUrl(request)).error(), null));
    }
    if (request.entity().getContentLengthOption().orElse(0L) > settings.maxBody()) {
      request.discardEntityBytes(materializer);
      return CompletableFuture.completedFuture(bodyTooLarge(handlerUrl));
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
              return dispatch(invocation);
            })
        .exceptionally(failure -> failure(failure, handlerUrl));
  }

  private CompletionStage<HttpResponse> dispatch(Invocation invocation) {
    var node = router.pick(invocation.handlerUrl());
    if (node.isEmpty()) {
      return CompletableFuture.completedFuture(
          errors.of(ErrorCode.NO_CAPACITY, "no node in the cluster can take the request", invocation.handlerUrl()));
    }
    return AskPattern.<NodeProtocol.Command, NodeProtocol.Reply>ask(
            node.get(),
            replyTo -> new NodeProtocol.Invoke(invocation, replyTo),
            settings.nodeTimeout(),
            system.scheduler())
        .thenApply(
            reply ->
                switch (reply) {
                  case NodeProtocol.Completed completed -> HandlerResponses.of(completed);
                  case NodeProtocol.Failed failed -> errors.of(failed.error(), invocation.handlerUrl());
                });
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
    if (cause instanceof TimeoutException) {
      return errors.of(
          ErrorCode.NODE_LOST,
          "the node did not answer within " + settings.nodeTimeout().toMillis() + "ms",
          handlerUrl);
    }
    system.log().error("request for {} failed", handlerUrl, cause);
    return errors.of(ErrorCode.NODE_LOST, "the request was lost on its way to a node: " + cause, handlerUrl);
  }
}
