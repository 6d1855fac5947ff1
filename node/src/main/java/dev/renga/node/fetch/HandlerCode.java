package dev.renga.node.fetch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One fetched version of a handler (or module) source. Immutable, shared by every request that runs this version;
 * what is derived from it (parsed GraalJS sources, the modules it requires) is computed once and kept with it.
 */
public final class HandlerCode {
  private final String url;
  private final String code;
  private final long bytes;
  private final ConcurrentHashMap<String, Object> derived = new ConcurrentHashMap<>(4);

  public HandlerCode(String url, String code, long bytes) {
    this.url = url;
    this.code = code;
    this.bytes = bytes;
  }

  public String url() {
    return url;
  }

  public String code() {
    return code;
  }

  /** Size of the source as fetched. */
  public long bytes() {
    return bytes;
  }

  /** Something computed from this source once, under a key naming what it is (e.g. the parsed handler). */
  @SuppressWarnings("unchecked")
  public <T> T derived(String key, Function<HandlerCode, T> compute) {
    return (T) derived.computeIfAbsent(key, k -> compute.apply(this));
  }

  @Override
  public String toString() {
    return "HandlerCode[" + url + ", " + bytes + " bytes]";
  }
}
