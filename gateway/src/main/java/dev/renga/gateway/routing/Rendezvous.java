package dev.renga.gateway.routing;

import java.nio.charset.StandardCharsets;

/**
 * Rendezvous (highest random weight) hashing: every node gets a weight for a handler URL, and the URL goes to the
 * node with the highest. Adding or removing a node moves only the URLs that rank it first, and every gateway that
 * sees the same nodes ranks them the same way, with nothing shared between gateways.
 */
final class Rendezvous {
  private Rendezvous() {}

  /** A stable 64-bit key for a string (a handler URL or a node's address): the same in every JVM. */
  static long key(String value) {
    // FNV-1a over the UTF-8 bytes, then a finaliser so that similar strings get unrelated keys.
    long hash = 0xcbf29ce484222325L;
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return mix(hash);
  }

  /** The weight of the node with {@code nodeKey} for the URL with {@code urlKey}; compare unsigned, highest wins. */
  static long weight(long urlKey, long nodeKey) {
    return mix(urlKey ^ (nodeKey * 0x9e3779b97f4a7c15L));
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
