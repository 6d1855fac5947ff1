package dev.renga.node.fetch;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * What a handler response says about caching it (RFC 9111): {@code Cache-Control} directives, {@code Expires},
 * {@code Age}, and the validators ({@code ETag}, {@code Last-Modified}) used to revalidate it.
 *
 * @param noStore the response must not be kept
 * @param noCache the response may be kept but must be revalidated before every use
 * @param freshFor how long the response stays fresh, when the server said so
 * @param age how old the response already was when it arrived ({@code Age})
 */
public record CacheControl(
    boolean noStore, boolean noCache, Optional<Duration> freshFor, Duration age, Validators validators) {

  /** Reads the caching headers of a response. */
  public static CacheControl of(HttpHeaders headers) {
    boolean noStore = false;
    boolean noCache = false;
    Duration maxAge = null;
    for (String header : headers.allValues("cache-control")) {
      for (String directive : header.split(",")) {
        String d = directive.trim().toLowerCase(Locale.ROOT);
        if (d.equals("no-store")) {
          noStore = true;
        } else if (d.equals("no-cache") || d.startsWith("no-cache=")) {
          noCache = true;
        } else if (d.startsWith("max-age=")) {
          maxAge = seconds(d.substring("max-age=".length())).orElse(Duration.ZERO);
        }
        // "private" needs nothing: each node keeps its own copy, as a browser would.
      }
    }
    Optional<Duration> freshFor = Optional.ofNullable(maxAge);
    if (freshFor.isEmpty()) {
      freshFor = expires(headers);
    }
    Duration age = headers.firstValue("age").flatMap(CacheControl::seconds).orElse(Duration.ZERO);
    Validators validators =
        new Validators(headers.firstValue("etag").orElse(null), headers.firstValue("last-modified").orElse(null));
    return new CacheControl(noStore, noCache, freshFor, age, validators);
  }

  /** How long the response may be used without asking the server again, given the default for silent servers. */
  public Duration lifetime(Duration defaultMaxAge) {
    if (noCache) {
      return Duration.ZERO;
    }
    Duration lifetime = freshFor.orElse(defaultMaxAge).minus(age);
    return lifetime.isNegative() ? Duration.ZERO : lifetime;
  }

  private static Optional<Duration> expires(HttpHeaders headers) {
    Optional<String> expires = headers.firstValue("expires");
    if (expires.isEmpty()) {
      return Optional.empty();
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(expires.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
      ZonedDateTime date =
          headers.firstValue("date").map(d -> ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME)).orElse(null);
      Duration lifetime = date == null ? Duration.ZERO : Duration.between(date, at);
      return Optional.of(lifetime.isNegative() ? Duration.ZERO : lifetime);
    } catch (DateTimeParseException e) {
      return Optional.of(Duration.ZERO); // an invalid Expires means "already expired"
    }
  }

  /** RFC 9111 §1.2.2: a delta-seconds too large to represent counts as 2^31 seconds. */
  private static final long MAX_DELTA_SECONDS = 1L << 31;

  private static Optional<Duration> seconds(String value) {
    String digits = value.trim().replace("\"", "");
    try {
      return Optional.of(Duration.ofSeconds(Math.min(MAX_DELTA_SECONDS, Math.max(0, Long.parseLong(digits)))));
    } catch (NumberFormatException e) {
      return digits.matches("[0-9]+") ? Optional.of(Duration.ofSeconds(MAX_DELTA_SECONDS)) : Optional.empty();
    }
  }
}
