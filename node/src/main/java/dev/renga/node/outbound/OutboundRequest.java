package dev.renga.node.outbound;

import dev.renga.core.Header;
import java.net.URI;
import java.util.List;

/**
 * One outbound request as handler code made it: an absolute http(s) URL, headers as given, the body (empty for
 * none), and what to do with redirects.
 */
public record OutboundRequest(String method, URI uri, List<Header> headers, byte[] body, Redirect redirect) {

  /** The fetch redirect modes; Node's http client never follows ({@link #MANUAL}). */
  public enum Redirect {
    FOLLOW,
    MANUAL,
    ERROR
  }
}
