package dev.renga.node.sandbox;

import dev.renga.node.fetch.HandlerCache;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.ModuleLoader;
import scala.concurrent.ExecutionContextExecutor;

/**
 * What a request's actor needs to run a handler: the shared engine, the fetcher and the node's handler cache, the
 * limits, and an executor for blocking work such as cancelling a context. Injected, so tests can stub the heavy parts.
 */
public record Sandbox(
    JsEngine engine,
    HandlerFetcher fetcher,
    SandboxSettings settings,
    RunningTurns turns,
    ExecutionContextExecutor blocking,
    HandlerCache handlers) {

  /** A sandbox with a handler cache of its own over the fetcher. */
  public Sandbox(
      JsEngine engine,
      HandlerFetcher fetcher,
      SandboxSettings settings,
      RunningTurns turns,
      ExecutionContextExecutor blocking) {
    this(engine, fetcher, settings, turns, blocking, new HandlerCache(fetcher));
  }

  /** Where requests run: the engine's isolation level (renga.sandbox.isolation). */
  public Isolation isolation() {
    return engine.isolation();
  }

  /** Loads handlers with the relative modules they require, through the handler cache. */
  public ModuleLoader modules() {
    return new ModuleLoader(handlers, fetcher.settings().maxModules());
  }
}
