package dev.renga.node.fetch;

/**
 * What identifies the version of a handler a node holds, so the server can answer 304 Not Modified.
 *
 * @param etag the {@code ETag} of the cached response, or null
 * @param lastModified the {@code Last-Modified} of the cached response, or null
 */
public record Validators(String etag, String lastModified) {
  public static final Validators NONE = new Validators(null, null);

  /** Whether there is anything to revalidate with. */
  public boolean any() {
    return etag != null || lastModified != null;
  }
}
