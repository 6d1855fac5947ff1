package dev.renga.core;

import java.net.URI;

/** A tenant is the origin of a handler URL: scheme://host:port (DESIGN §1). */
public final class Tenant {
  private Tenant() {}

  /** The origin of an absolute http(s) URL, with the default port made explicit. */
  public static String of(String handlerUrl) {
    URI uri = URI.create(handlerUrl);
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    return uri.getScheme().toLowerCase() + "://" + uri.getHost().toLowerCase() + ":" + port;
  }
}
