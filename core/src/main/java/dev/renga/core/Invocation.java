package dev.renga.core;

import java.util.List;

/**
 * One HTTP request to run a handler, as the gateway hands it to a node.
 *
 * @param requestId the request id (x-request-id), also in both sides' logs
 * @param handlerUrl absolute http(s) URL of the handler source
 * @param method HTTP method
 * @param url path and query as the handler sees them (without x-haiku-* parameters)
 * @param httpVersion "1.1" or "2.0"
 * @param headers request headers, names lower-case, x-haiku-handler removed
 * @param body the whole request body (bounded by renga.gateway.max-body)
 */
public record Invocation(
    String requestId,
    String handlerUrl,
    String method,
    String url,
    String httpVersion,
    List<Header> headers,
    byte[] body)
    implements CborSerializable {

  /** The handler's tenant: the origin (scheme://host:port) of its URL. */
  public String tenant() {
    return Tenant.of(handlerUrl);
  }
}
