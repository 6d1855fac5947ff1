package dev.renga.core.tenants;

import java.net.URI;
import java.util.Locale;

/**
 * One URL prefix a tenant claims: scheme, host, port (the scheme's default when the prefix names none) and a path
 * prefix. {@code https://acme.example/api/} matches {@code https://acme.example:443/api/v1/h.js}, not
 * {@code https://acme.example/apiv2.js}: a path prefix that ends without a slash matches at a path-segment boundary.
 */
public record TenantPrefix(String origin, String path) {

  /** Parses {@code scheme://host[:port][/path]}; throws IllegalArgumentException with the reason otherwise. */
  public static TenantPrefix parse(String prefix) {
    URI uri;
    try {
      uri = URI.create(prefix.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL prefix: " + prefix);
    }
    if (uri.getScheme() == null || uri.getHost() == null
        || !uri.getScheme().equalsIgnoreCase("http") && !uri.getScheme().equalsIgnoreCase("https")) {
      throw new IllegalArgumentException("not an absolute http(s) URL prefix: " + prefix);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("a URL prefix has no query, fragment or user: " + prefix);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return new TenantPrefix(origin(uri), path);
  }

  /** The origin of an absolute http(s) URI, lower case, with the default port made explicit. */
  static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  /** Whether a URL's raw path (same origin) falls under this prefix. */
  boolean covers(String rawPath) {
    if (!rawPath.startsWith(path)) {
      return false;
    }
    return path.endsWith("/") || rawPath.length() == path.length() || rawPath.charAt(path.length()) == '/';
  }

  @Override
  public String toString() {
    return origin + path;
  }
}
