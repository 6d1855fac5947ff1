package dev.renga.node.sandbox;

import dev.renga.node.fetch.HandlerBundle;
import java.util.function.Consumer;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * Isolation {@code context} (the default): every request gets a fresh GraalJS context of its own, prepared ahead of
 * it by the engine's pool, and the context is closed the moment the request ends. Nothing a request does to its realm
 * (built-ins, globals, prototypes) can outlive it. Stopping a request closes its context.
 */
final class ContextIsolation implements Isolation {
  private final JsEngine engine;

  ContextIsolation(JsEngine engine) {
    this.engine = engine;
  }

  @Override
  public Execution open(HandlerBundle bundle, ProxyObject bridge) {
    return new Fresh(engine.take(Level.CONTEXT), bundle, bridge);
  }

  @Override
  public void close() {}

  /** One request alone in its context. */
  private final class Fresh implements Execution {
    private final Context context;
    private final Value runtime;
    private final HandlerBundle bundle;
    private final ProxyObject bridge;
    private Value request;

    Fresh(PreparedContext prepared, HandlerBundle bundle, ProxyObject bridge) {
      this.context = prepared.context();
      this.runtime = prepared.runtime();
      this.bundle = bundle;
      this.bridge = bridge;
    }

    @Override
    public void turn(Consumer<Value> work, Runnable retry) {
      if (request == null) {
        request = runtime.invokeMember("open", bridge);
      }
      work.accept(request);
    }

    @Override
    public Value handler() {
      return context.eval(engine.handler(bundle.handler()));
    }

    @Override
    public void stop() {
      close();
    }

    @Override
    public void close() {
      try {
        context.close(true);
      } catch (RuntimeException e) {
        // Already closed by the other of stop() and close(): nothing left to stop.
      }
    }
  }
}
