package dev.renga.node.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves a host name once, on a virtual thread ({@link Lookups}), and checks every address it has against a network
 * policy. Whoever asked then connects to the address returned and to no other (a connection's resolver answers with
 * it), so a name server cannot answer differently between the check and the connect (DNS rebinding). Handler fetches
 * and handlers' outbound HTTP both go through it.
 */
public final class PinnedLookup {

  /** Name resolution: the JVM's resolver on a node, a stub in tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] addresses(String host) throws UnknownHostException;
  }

  /** The JVM's own resolver. */
  public static final PinnedLookup SYSTEM = new PinnedLookup(InetAddress::getAllByName);

  /** Why a look-up gave no address to connect to: the policy forbids the host or one of its addresses, or no such host. */
  public static final class Refused extends RuntimeException {
    private final boolean forbidden;

    private Refused(boolean forbidden, String message) {
      super(message, null, false, false);
      this.forbidden = forbidden;
    }

    /** True when the network policy denied it, false when the name did not resolve. */
    public boolean forbidden() {
      return forbidden;
    }
  }

  private final Resolver resolver;

  public PinnedLookup(Resolver resolver) {
    this.resolver = resolver;
  }

  /**
   * The address to connect to for {@code host} on {@code port}: the first the name resolves to, once every address it
   * has is allowed by {@code policy}. Fails with {@link Refused} (its message says why: "unknown host h" or the
   * policy's reason).
   */
  public CompletableFuture<InetAddress> resolve(String host, int port, NetworkPolicy policy) {
    return CompletableFuture.supplyAsync(() -> check(host, port, policy), Lookups.executor());
  }

  private InetAddress check(String host, int port, NetworkPolicy policy) {
    policy.hostDenial(host).ifPresent(reason -> {
      throw new Refused(true, reason);
    });
    InetAddress[] addresses;
    try {
      addresses = resolver.addresses(host);
    } catch (UnknownHostException e) {
      throw new Refused(false, "unknown host " + host);
    }
    if (addresses.length == 0) {
      throw new Refused(false, "unknown host " + host);
    }
    for (InetAddress address : addresses) {
      policy.denial(host, address, port).ifPresent(reason -> {
        throw new Refused(true, reason);
      });
    }
    return addresses[0];
  }
}
