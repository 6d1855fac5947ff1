package dev.renga.node.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A name server that never answers, for test JVMs: names under {@code .slow.test} block their look-up until {@link
 * #release()} (or 30 s), then do not exist; names under {@code .missing.test} do not exist at once. Every other name
 * goes to the JDK's own resolver.
 */
public final class SlowNames extends InetAddressResolverProvider {
  private static volatile CountDownLatch answer = new CountDownLatch(1);
  private static final AtomicInteger waiting = new AtomicInteger();

  /** Look-ups blocked right now. */
  public static int waiting() {
    return waiting.get();
  }

  /** Lets every blocked look-up fail, and blocks the next ones again. */
  public static void release() {
    CountDownLatch released = answer;
    answer = new CountDownLatch(1);
    released.countDown();
  }

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        if (host.endsWith(".missing.test")) {
          throw new UnknownHostException(host);
        }
        if (!host.endsWith(".slow.test")) {
          return builtin.lookupByName(host, policy);
        }
        waiting.incrementAndGet();
        try {
          answer.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          waiting.decrementAndGet();
        }
        throw new UnknownHostException(host);
      }

      @Override
      public String lookupByAddress(byte[] addr) throws UnknownHostException {
        return builtin.lookupByAddress(addr);
      }
    };
  }

  @Override
  public String name() {
    return "renga-test-slow-names";
  }
}
