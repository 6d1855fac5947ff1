package dev.renga.node.fetch;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Where DNS look-ups run: a virtual thread each, so a slow or silent name server holds no pooled thread, and neither
 * other tenants' look-ups nor the cancelling of contexts (renga-blocking-dispatcher) queue behind it.
 */
public final class Lookups {
  private static final ExecutorService EXECUTOR =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("renga-dns-", 0).factory());

  private Lookups() {}

  public static ExecutorService executor() {
    return EXECUTOR;
  }
}
