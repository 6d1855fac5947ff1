package dev.renga.gateway.http;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;

/** What the gateway's HTTP port serves: every method and path runs the handler named by the request. */
public final class Routes {
  private final HandlerInvoker invoker;

  public Routes(HandlerInvoker invoker) {
    this.invoker = invoker;
  }

  /**
   * The request handler, bound as a plain function rather than a routing-DSL route: the DSL maps every response
   * future on the default dispatcher (a thread hand-off per request), while a plain handler's response goes straight
   * back to the connection. Every request takes the same path, so there is nothing for a route tree to decide; a
   * failure (a bug) still answers 500, from Pekko HTTP.
   */
  public Function<HttpRequest, CompletionStage<HttpResponse>> handler() {
    return invoker::invoke;
  }
}
