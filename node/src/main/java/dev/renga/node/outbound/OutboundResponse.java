package dev.renga.node.outbound;

import dev.renga.core.Header;
import java.util.List;

/** A complete outbound response: status, headers, the URL it came from after redirects, and its whole body. */
public record OutboundResponse(
    int status, String statusText, List<Header> headers, String url, boolean redirected, byte[] body) {}
