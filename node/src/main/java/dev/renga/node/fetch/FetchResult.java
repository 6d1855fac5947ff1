package dev.renga.node.fetch;

import java.net.http.HttpHeaders;

/**
 * The answer to one (possibly conditional) handler fetch.
 *
 * @param notModified the server answered 304: the cached copy is still current, {@code code} is null
 * @param code the handler source (for a 200)
 * @param bytes its size in bytes as fetched
 * @param headers the final response's headers (caching directives and validators)
 */
public record FetchResult(boolean notModified, String code, long bytes, HttpHeaders headers) {}
