package dev.renga.node.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses handler code and handler URLs may reach (DESIGN §8): link-local and cloud metadata addresses never;
 * loopback and private ranges only when allowed; plus the destinations named in {@code allowed} (a tenant's database
 * at 10.0.0.5:5432, say), which are reachable even where private addresses are not. With {@code onlyAllowed}, nothing
 * but those destinations is.
 *
 * <p>One request has one policy: its tenant's ({@code renga.tenants.NAME.sandbox.network}) over the node's
 * ({@code renga.sandbox.network}). Whatever opens a connection for the request (outbound HTTP, sockets) resolves the
 * host once, asks {@link #hostDenial} before and {@link #denial(String, InetAddress, int)} for every address after,
 * and connects to exactly the address it checked.
 *
 * @param allowPrivate whether loopback and private addresses may be reached (renga.sandbox.network.allow-private)
 * @param allowed destinations reachable whatever {@code allowPrivate} says (never link-local or metadata ones)
 * @param onlyAllowed whether {@code allowed} is all that may be reached
 */
public record NetworkPolicy(boolean allowPrivate, List<Destination> allowed, boolean onlyAllowed) {

  /** The port to ask {@link #denial(String, InetAddress, int)} about for a look-up: allowed on some port. */
  public static final int ANY_PORT = -1;

  public NetworkPolicy {
    allowed = List.copyOf(allowed);
  }

  /** The node-wide policy with no allowed destinations. */
  public NetworkPolicy(boolean allowPrivate) {
    this(allowPrivate, List.of(), false);
  }

  /** Why connecting to {@code address} (a look-up of {@code host}) on {@code port} is denied, or empty when it is allowed. */
  public Optional<String> denial(String host, InetAddress address, int port) {
    if (address.isLinkLocalAddress() || isMetadata(address)) {
      return Optional.of(address.getHostAddress() + " is a link-local or metadata address");
    }
    if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return Optional.of(address.getHostAddress() + " is not a unicast address");
    }
    for (Destination destination : allowed) {
      if (destination.matches(host, address, port)) {
        return Optional.empty();
      }
    }
    if (onlyAllowed) {
      return Optional.of(
          address.getHostAddress() + ":" + port + " is not one of the tenant's allowed destinations " + allowed);
    }
    if (!allowPrivate && (address.isLoopbackAddress() || isPrivate(address))) {
      return Optional.of(
          address.getHostAddress() + " is a loopback or private address (renga.sandbox.network.allow-private = off)");
    }
    return Optional.empty();
  }

  /** Why {@code address} is denied on any port, by this policy without its allowed destinations (handler URLs). */
  public Optional<String> denial(InetAddress address) {
    return new NetworkPolicy(allowPrivate).denial(address.getHostAddress(), address, ANY_PORT);
  }

  /** Cloud metadata host names, denied by name before any look-up (they resolve to link-local addresses anyway). */
  private static final java.util.Set<String> METADATA_HOSTS =
      java.util.Set.of("metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal");

  /** Why the host name is denied before it is even resolved, or empty when it may be looked up. */
  public Optional<String> hostDenial(String host) {
    String name = host.toLowerCase(java.util.Locale.ROOT);
    name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return METADATA_HOSTS.contains(name) ? Optional.of(host + " is a cloud metadata host") : Optional.empty();
  }

  private static boolean isMetadata(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      // Alibaba Cloud's metadata service sits outside link-local.
      return (b[0] & 0xff) == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200;
    }
    // AWS's IPv6 metadata endpoint fd00:ec2::254.
    return address instanceof Inet6Address
        && (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2;
  }

  private static boolean isPrivate(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return address.isSiteLocalAddress()
          || first == 0
          || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
          || (first == 198 && (second == 18 || second == 19)); // benchmarking networks
    }
    if (address instanceof Inet6Address v6) {
      if ((b[0] & 0xfe) == 0xfc) {
        return true; // unique local fc00::/7
      }
      if (v6.isIPv4CompatibleAddress()) {
        return true;
      }
    }
    return address.isSiteLocalAddress();
  }
}
