package dev.renga.node.sandbox;

import com.typesafe.config.Config;
import dev.renga.node.fetch.HandlerBundle;
import java.util.Locale;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * An isolation level (renga.sandbox.isolation): where each request's JavaScript runs. A node picks one when it starts;
 * the request's actor, the watchdog and the heap guard only ever talk to this interface and to {@link Execution}.
 * {@link ContextIsolation} gives every request a fresh context; {@link ScopeIsolation} gives every handler frozen
 * contexts and every request a fresh scope in one of them.
 */
public interface Isolation extends AutoCloseable {

  /**
   * A place for one request's handler to run, bound to the request's host functions ({@code bridge}); the caller
   * closes it when the request ends. May block while a context is prepared (call on the JS dispatcher).
   */
  Execution open(HandlerBundle bundle, ProxyObject bridge);

  /** Closes every context this isolation level holds. */
  @Override
  void close();

  /** The levels, as renga.sandbox.isolation names them. */
  enum Level {
    CONTEXT,
    SCOPE;

    public static Level of(String name) {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
  }

  /**
   * renga.sandbox.isolation and renga.sandbox.scope.*, read once.
   *
   * @param contextsPerHandler most contexts one handler version may have at once in {@code scope} (each runs one turn
   *     at a time)
   * @param maxContexts most handler contexts a node keeps in {@code scope}; the least recently used idle ones close first
   * @param maxHeap the fraction of the heap its old generation may hold, after a collection, for {@code scope}
   *     contexts to be added; above it no context is added without closing an idle one, and idle ones close (least
   *     recently used handlers first) while it stays above. 0 = no memory bound
   * @param requestsPerContext requests a handler context serves in {@code scope} before it is retired
   */
  record Settings(Level level, int contextsPerHandler, int maxContexts, double maxHeap, long requestsPerContext) {
    public static final Settings CONTEXT = new Settings(Level.CONTEXT, 4, 256, 0.6, 10_000);

    public static Settings from(Config sandbox) {
      Config scope = sandbox.getConfig("scope");
      return new Settings(
          Level.of(sandbox.getString("isolation")),
          scope.getInt("contexts-per-handler"),
          scope.getInt("max-contexts"),
          scope.getDouble("max-heap"),
          scope.getLong("requests-per-context"));
    }

    public Settings withLevel(Level level) {
      return new Settings(level, contextsPerHandler, maxContexts, maxHeap, requestsPerContext);
    }
  }
}
