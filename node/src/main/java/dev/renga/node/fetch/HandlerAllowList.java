package dev.renga.node.fetch;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * renga.handlers.allow: the URL patterns handler code may come from. In a pattern, {@code *} in the origin
 * ({@code scheme://host:port}) matches within it only (never a {@code /}), so {@code https://*.example.com/*} cannot
 * be satisfied by {@code https://evil.test/x.example.com/}; in the path it matches anything. {@code *} alone allows
 * every URL. An origin without a port matches the scheme's default port only.
 */
public final class HandlerAllowList {
  private static final HandlerAllowList ALL = new HandlerAllowList(List.of("*"));

  private final List<String> patterns;
  private final List<Pattern> compiled;
  private final boolean all;

  private HandlerAllowList(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    this.all = patterns.contains("*");
    this.compiled = all ? List.of() : patterns.stream().map(HandlerAllowList::compile).toList();
  }

  /** The allow list of these patterns. */
  public static HandlerAllowList of(List<String> patterns) {
    return patterns.equals(List.of("*")) ? ALL : new HandlerAllowList(patterns);
  }

  /** Allows every URL. */
  public static HandlerAllowList all() {
    return ALL;
  }

  /** Whether handler code may be fetched from this absolute http(s) URL. */
  public boolean allows(URI uri) {
    if (all) {
      return true;
    }
    if (uri.getRawUserInfo() != null || uri.getHost() == null) {
      return false;
    }
    String canonical = canonical(uri);
    return compiled.stream().anyMatch(p -> p.matcher(canonical).matches());
  }

  /** The patterns, as configured (for error messages). */
  public List<String> patterns() {
    return patterns;
  }

  /** scheme://host[:port]/path[?query], scheme and host lower-case, default ports left out. */
  static String canonical(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private static Pattern compile(String pattern) {
    int schemeEnd = pattern.indexOf("://");
    int pathStart = schemeEnd < 0 ? -1 : pattern.indexOf('/', schemeEnd + 3);
    String origin = pathStart < 0 ? pattern : pattern.substring(0, pathStart);
    String path = pathStart < 0 ? "/*" : pattern.substring(pathStart);
    return Pattern.compile(glob(origin.toLowerCase(Locale.ROOT), "[^/]*") + glob(path, ".*"));
  }

  private static String glob(String glob, String star) {
    StringBuilder regex = new StringBuilder();
    int from = 0;
    for (int at = glob.indexOf('*'); at >= 0; at = glob.indexOf('*', from)) {
      regex.append(Pattern.quote(glob.substring(from, at))).append(star);
      from = at + 1;
    }
    if (from < glob.length()) {
      regex.append(Pattern.quote(glob.substring(from)));
    }
    return regex.toString();
  }
}
