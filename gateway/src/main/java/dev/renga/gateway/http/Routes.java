package dev.renga.gateway.http;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The gateway's route tree: every method and path runs the handler named by the request. */
public final class Routes extends AllDirectives {
  private final HandlerInvoker invoker;

  public Routes(HandlerInvoker invoker) {
    this.invoker = invoker;
  }

  public Route route() {
    return extractRequest(request -> completeWithFuture(invoker.invoke(request)));
  }
}
