package dev.renga.node.fetch;

import java.util.Map;

/**
 * A handler and the relative modules it (transitively) requires with literal {@code require('./...')} calls, all
 * fetched before the handler runs, because {@code require} is synchronous. A module that could not be fetched is
 * kept as the reason, so {@code require} throws it only if the handler really calls it.
 *
 * @param handler the handler's code
 * @param modules each module URL's code, or the error that kept it out
 * @param packages where bare names ({@code require('pg')}) and the files of packages resolve
 */
public record HandlerBundle(HandlerCode handler, Map<String, Module> modules, PackageDirectory packages) {

  /** A bundle whose bare names resolve nowhere (no package directory). */
  public HandlerBundle(HandlerCode handler, Map<String, Module> modules) {
    this(handler, modules, PackageDirectory.none());
  }

  /** One relative module: its code, or why it is missing. */
  public record Module(HandlerCode code, String error) {}

  /** The module a file requires with a relative specifier, or null when it was not prefetched. */
  public Module module(String fromUrl, String specifier) {
    String url = ModuleLoader.resolve(fromUrl, specifier);
    return url == null ? null : modules.get(url);
  }
}
