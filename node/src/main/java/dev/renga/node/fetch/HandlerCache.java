package dev.renga.node.fetch;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The node's cache of handler (and module) sources by URL. It honours the server's caching headers (max-age,
 * Expires, no-cache, no-store), revalidates stale copies with If-None-Match / If-Modified-Since, keeps at most
 * renga.handlers.cache.max-bytes of source (least recently used dropped first), and coalesces concurrent requests
 * for one URL into a single fetch. A failed fetch is never cached: the next request tries again.
 */
public final class HandlerCache {
  private final HandlerFetcher fetcher;
  private final Clock clock;
  private final long maxBytes;

  /** Access-ordered, so iteration starts at the least recently used entry. Guarded by {@code this}. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

  /** Fetches in progress, by URL: everyone asking for the URL meanwhile waits on the same one. Guarded by {@code this}. */
  private final Map<String, CompletableFuture<HandlerCode>> inFlight = new HashMap<>();

  private long bytes;

  /** The operator's npm packages (renga.handlers.packages), resolved and read beside the fetched sources. */
  private final PackageDirectory packages;

  private record Entry(HandlerCode code, Instant freshUntil, Validators validators) {}

  public HandlerCache(HandlerFetcher fetcher, Clock clock) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.maxBytes = fetcher.settings().cacheMaxBytes();
    String directory = fetcher.settings().packages();
    this.packages = directory == null || directory.isBlank() ? PackageDirectory.none() : PackageDirectory.at(Path.of(directory));
  }

  /** The package directory bare names resolve in. */
  public PackageDirectory packages() {
    return packages;
  }

  public HandlerCache(HandlerFetcher fetcher) {
    this(fetcher, Clock.systemUTC());
  }

  /** The current source at this URL: from the cache while fresh, else fetched (or revalidated) once for all askers. */
  public CompletionStage<HandlerCode> get(String url) {
    Entry cached;
    CompletableFuture<HandlerCode> result;
    synchronized (this) {
      cached = entries.get(url);
      if (cached != null && clock.instant().isBefore(cached.freshUntil())) {
        return CompletableFuture.completedFuture(cached.code());
      }
      CompletableFuture<HandlerCode> running = inFlight.get(url);
      if (running != null) {
        return running;
      }
      result = new CompletableFuture<>();
      inFlight.put(url, result);
    }
    Entry stale = cached;
    fetcher
        .fetch(url, stale == null ? Validators.NONE : stale.validators())
        .whenComplete(
            (fetched, fetchFailure) -> {
              HandlerCode code = null;
              Throwable failure = fetchFailure;
              synchronized (this) {
                inFlight.remove(url);
                if (failure == null) {
                  try {
                    code = store(url, stale, fetched);
                  } catch (RuntimeException e) {
                    failure = e; // whatever the answer was, the requests waiting on this fetch get one
                  }
                }
              }
              if (failure != null) {
                result.completeExceptionally(failure);
              } else {
                result.complete(code);
              }
            });
    return result;
  }

  /** Bytes of source held now. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Whether a copy of this URL is held (fresh or not). */
  public synchronized boolean holds(String url) {
    return entries.containsKey(url);
  }

  /** Records a fetch's answer and returns the code to run. Called holding the lock. */
  private HandlerCode store(String url, Entry stale, FetchResult fetched) {
    CacheControl control = CacheControl.of(fetched.headers());
    Instant freshUntil = clock.instant().plus(control.lifetime(fetcher.settings().cacheDefaultMaxAge()));
    if (fetched.notModified()) {
      // 304: same code; the server may have sent new validators and freshness.
      Validators validators =
          new Validators(
              control.validators().etag() != null ? control.validators().etag() : stale.validators().etag(),
              control.validators().lastModified() != null
                  ? control.validators().lastModified()
                  : stale.validators().lastModified());
      if (entries.containsKey(url)) {
        entries.put(url, new Entry(stale.code(), freshUntil, validators));
      }
      return stale.code();
    }
    HandlerCode code = new HandlerCode(url, fetched.code(), fetched.bytes());
    remove(url);
    if (!control.noStore() && code.bytes() <= maxBytes) {
      entries.put(url, new Entry(code, freshUntil, control.validators()));
      bytes += code.bytes();
      evict();
    }
    return code;
  }

  private void remove(String url) {
    Entry old = entries.remove(url);
    if (old != null) {
      bytes -= old.code().bytes();
    }
  }

  private void evict() {
    Iterator<Entry> eldest = entries.values().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().code().bytes();
      eldest.remove();
    }
  }
}
