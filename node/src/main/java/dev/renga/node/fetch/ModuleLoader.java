package dev.renga.node.fetch;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a handler with the relative modules it requires: scans each source for literal {@code require('./x.js')}
 * calls, fetches those through the handler cache (same size, allow-list and network rules), and repeats, up to
 * renga.handlers.max-modules modules per handler.
 */
public final class ModuleLoader {
  private static final Pattern RELATIVE_REQUIRE =
      Pattern.compile("\\brequire\\s*\\(\\s*(['\"`])(\\.{1,2}/[^'\"`\\s]+)\\1\\s*\\)");

  private final HandlerCache cache;
  private final int maxModules;

  public ModuleLoader(HandlerCache cache, int maxModules) {
    this.cache = cache;
    this.maxModules = maxModules;
  }

  /** The handler at this URL with its modules; fails as the handler's fetch fails. */
  public CompletionStage<HandlerBundle> load(String url) {
    return cache.get(url).thenCompose(handler -> withModules(handler));
  }

  private CompletionStage<HandlerBundle> withModules(HandlerCode handler) {
    List<String> first = requiredBy(handler);
    if (first.isEmpty()) {
      return CompletableFuture.completedFuture(new HandlerBundle(handler, Map.of(), cache.packages()));
    }
    Map<String, HandlerBundle.Module> modules = new LinkedHashMap<>();
    return fetchAll(first, modules).thenApply(done -> new HandlerBundle(handler, Map.copyOf(modules), cache.packages()));
  }

  /** Fetches one level of modules at once, then the modules they require. Only ever runs one level at a time. */
  private CompletableFuture<Void> fetchAll(List<String> urls, Map<String, HandlerBundle.Module> modules) {
    List<String> wanted = new ArrayList<>();
    for (String url : urls) {
      if (modules.containsKey(url) || wanted.contains(url)) {
        continue;
      }
      if (modules.size() + wanted.size() >= maxModules) {
        modules.put(url, new HandlerBundle.Module(null, "more than renga.handlers.max-modules (" + maxModules + ") modules"));
        continue;
      }
      wanted.add(url);
    }
    if (wanted.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<HandlerBundle.Module>> fetches =
        wanted.stream().map(url -> cache.get(url).toCompletableFuture().handle(ModuleLoader::module)).toList();
    return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              List<String> next = new ArrayList<>();
              for (int i = 0; i < wanted.size(); i++) {
                HandlerBundle.Module module = fetches.get(i).join();
                modules.put(wanted.get(i), module);
                if (module.code() != null) {
                  next.addAll(requiredBy(module.code()));
                }
              }
              return fetchAll(next, modules);
            });
  }

  private static HandlerBundle.Module module(HandlerCode code, Throwable failure) {
    if (failure == null) {
      return new HandlerBundle.Module(code, null);
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    String reason =
        cause instanceof HandlerFetchException fetch
            ? fetch.error().code().code() + ": " + fetch.error().cause()
            : String.valueOf(cause.getMessage());
    return new HandlerBundle.Module(null, reason);
  }

  /** The absolute URLs of the relative modules this source requires literally (computed once per version). */
  static List<String> requiredBy(HandlerCode code) {
    return code.derived(
        "relative-requires",
        c -> {
          List<String> urls = new ArrayList<>();
          Matcher m = RELATIVE_REQUIRE.matcher(c.code());
          while (m.find()) {
            String url = resolve(c.url(), m.group(2));
            if (url != null && !urls.contains(url)) {
              urls.add(url);
            }
          }
          return List.copyOf(urls);
        });
  }

  /**
   * The URL a relative specifier names from a file: resolved against the file's URL, with ".js" added when its last
   * segment has no extension (Node's other lookups, such as directories with index.js, need a file system).
   */
  public static String resolve(String fromUrl, String specifier) {
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
      return null;
    }
    try {
      URI resolved = URI.create(fromUrl).resolve(specifier);
      String path = resolved.getRawPath();
      String last = path.substring(path.lastIndexOf('/') + 1);
      if (last.isEmpty() || last.contains(".")) {
        return resolved.toString();
      }
      return resolved.getScheme() + "://" + resolved.getRawAuthority() + path + ".js"
          + (resolved.getRawQuery() == null ? "" : "?" + resolved.getRawQuery());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
