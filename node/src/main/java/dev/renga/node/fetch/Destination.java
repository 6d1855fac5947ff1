package dev.renga.node.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One destination a network policy allows: a host name, an address or a CIDR range, on one port, a port range or any
 * port. Written {@code db.internal:5432}, {@code 10.0.0.5:5432}, {@code 127.0.0.1:6379}, {@code 10.0.0.0/8},
 * {@code 10.1.0.0/16:5000-5999}, {@code [fd00::5]:5432}. A host name matches connections to that name (whatever it
 * resolves to, link-local and metadata addresses still denied); an address or range matches the resolved address.
 *
 * @param text the destination as written
 * @param host the host name (lower case), or null for an address or range
 * @param network the address or the range's first bytes, or null for a host name
 * @param prefixBits the range's prefix length (the address's full length for one address)
 * @param firstPort the lowest port it covers (0 for any)
 * @param lastPort the highest port it covers (65535 for any)
 */
public record Destination(String text, String host, byte[] network, int prefixBits, int firstPort, int lastPort) {
  private static final Pattern FORM =
      Pattern.compile("^(\\[[0-9a-fA-F:.]+]|[^:/\\[\\]]+)(?:/(\\d{1,3}))?(?::(\\d{1,5})(?:-(\\d{1,5}))?)?$");
  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
  private static final Pattern HOST_NAME = Pattern.compile("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?$");

  /** Parses a destination; throws IllegalArgumentException saying what is wrong. */
  public static Destination parse(String text) {
    String trimmed = text.trim();
    Matcher m = FORM.matcher(trimmed);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a destination (host:port, address:port or CIDR[:port]): " + text);
    }
    String where = m.group(1);
    int first = 0;
    int last = 65535;
    if (m.group(3) != null) {
      first = Integer.parseInt(m.group(3));
      last = m.group(4) != null ? Integer.parseInt(m.group(4)) : first;
      if (first < 1 || last > 65535 || last < first) {
        throw new IllegalArgumentException("port out of range in destination " + text);
      }
    }
    boolean bracketed = where.startsWith("[");
    String literal = bracketed ? where.substring(1, where.length() - 1) : where;
    if (bracketed || IPV4.matcher(literal).matches()) {
      byte[] address;
      try {
        address = InetAddress.getByName(literal).getAddress(); // a literal: no look-up
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an address in destination " + text);
      }
      int bits = address.length * 8;
      if (m.group(2) != null) {
        bits = Integer.parseInt(m.group(2));
        if (bits > address.length * 8) {
          throw new IllegalArgumentException("prefix length out of range in destination " + text);
        }
      }
      return new Destination(trimmed, null, address, bits, first, last);
    }
    String host = literal.toLowerCase(Locale.ROOT);
    if (m.group(2) != null || !HOST_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException("not a host name in destination " + text);
    }
    return new Destination(trimmed, host.endsWith(".") ? host.substring(0, host.length() - 1) : host, null, 0, first, last);
  }

  /** Whether a connection to {@code address}, looked up from {@code host}, on {@code port} is this destination. */
  public boolean matches(String host, InetAddress address, int port) {
    if (port != NetworkPolicy.ANY_PORT && (port < firstPort || port > lastPort)) {
      return false;
    }
    if (this.host != null) {
      String name = host.toLowerCase(Locale.ROOT);
      return this.host.equals(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
    }
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (bytes[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (bytes[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Destination d && d.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
