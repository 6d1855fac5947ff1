package dev.renga.node.sandbox;

import dev.renga.node.fetch.HandlerCache;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.ModuleLoader;
import dev.renga.core.tenants.Tenants;
import dev.renga.node.tenants.NodeTenants;
import dev.renga.node.tenants.TenantSettings;
import scala.concurrent.ExecutionContextExecutor;

/**
 * What a request's actor needs to run a handler: the shared engine, the fetcher and the node's handler cache, the
 * limits, the tenants (each with its own limits, process.env and network policy), and an executor for blocking work
 * such as cancelling a context. Injected, so tests can stub the heavy parts.
 */
public record Sandbox(
    JsEngine engine,
    HandlerFetcher fetcher,
    SandboxSettings settings,
    RunningTurns turns,
    ExecutionContextExecutor blocking,
    HandlerCache handlers,
    Tenants<TenantSettings> tenants) {

  /** A sandbox without tenant entries: every request runs under {@code settings}. */
  public Sandbox(
      JsEngine engine,
      HandlerFetcher fetcher,
      SandboxSettings settings,
      RunningTurns turns,
      ExecutionContextExecutor blocking,
      HandlerCache handlers) {
    this(engine, fetcher, settings, turns, blocking, handlers, NodeTenants.none(settings));
  }

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

  /** Where a tenant's requests run: the isolation level its settings name (renga.tenants.NAME.sandbox.isolation). */
  public Isolation isolation(Isolation.Level level) {
    return engine.isolation(level);
  }

  /** Loads handlers with the relative modules they require, through the handler cache. */
  public ModuleLoader modules() {
    return new ModuleLoader(handlers, fetcher.settings().maxModules());
  }
}
