package dev.renga.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.core.ErrorCode;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.testing.MutableClock;
import dev.renga.node.testing.ScriptedServer;
import dev.renga.node.testing.ScriptedServer.Answer;
import com.typesafe.config.ConfigFactory;
import dev.renga.core.RengaConfig;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandlerCacheTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final HandlerSettings SETTINGS = new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true);

  private final ScriptedServer server = new ScriptedServer();
  private final MutableClock clock = new MutableClock();

  @AfterEach
  void stop() {
    server.close();
  }

  private HandlerCache cache(HandlerSettings settings) {
    return new HandlerCache(new HandlerFetcher(settings, testKit.system()), clock);
  }

  private HandlerCache cache() {
    return cache(SETTINGS);
  }

  private static HandlerCode get(HandlerCache cache, String url) {
    try {
      return cache.get(url).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void freshCopyIsUsedWithoutFetchingUntilMaxAgeRunsOut() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("cache-control", "public, max-age=60")));
    HandlerCache cache = cache();
    HandlerCode first = get(cache, server.url("/h.js"));
    clock.advance(Duration.ofSeconds(59));
    assertSame(first, get(cache, server.url("/h.js")));
    assertEquals(1, server.hits("/h.js"));
    clock.advance(Duration.ofSeconds(2));
    get(cache, server.url("/h.js"));
    assertEquals(2, server.hits("/h.js"));
  }

  @Test
  void maxAgeBeyondAnyClockIsTheLongestRfcDeltaNotAFailure() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("cache-control", "max-age=99999999999999999999999")));
    HandlerCache cache = cache();
    HandlerCode first = get(cache, server.url("/h.js"));
    clock.advance(Duration.ofDays(365));
    assertSame(first, get(cache, server.url("/h.js")));
    assertEquals(1, server.hits("/h.js"));
    server.on("/g.js", Answer.ok("res.end('g')", Map.of("cache-control", "max-age=9223372036854775807")));
    HandlerCode g = get(cache, server.url("/g.js"));
    assertSame(g, get(cache, server.url("/g.js")));
  }

  @Test
  void ageCountsAgainstMaxAge() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("cache-control", "max-age=60", "age", "50")));
    HandlerCache cache = cache();
    get(cache, server.url("/h.js"));
    clock.advance(Duration.ofSeconds(11));
    get(cache, server.url("/h.js"));
    assertEquals(2, server.hits("/h.js"));
  }

  @Test
  void staleCopyIsRevalidatedWithItsETagAndA304KeepsTheSameCode() {
    server.on(
        "/h.js",
        headers ->
            "\"v1\"".equals(headers.getFirst("if-none-match"))
                ? new Answer(304, Map.of("cache-control", "max-age=10"), null)
                : Answer.ok("res.end('a')", Map.of("etag", "\"v1\"", "cache-control", "max-age=10")));
    HandlerCache cache = cache();
    HandlerCode first = get(cache, server.url("/h.js"));
    clock.advance(Duration.ofSeconds(11));
    HandlerCode revalidated = get(cache, server.url("/h.js"));
    assertSame(first, revalidated);
    assertEquals("\"v1\"", server.lastRequest().getFirst("if-none-match"));
    // The 304 made it fresh again for another max-age.
    get(cache, server.url("/h.js"));
    assertEquals(2, server.hits("/h.js"));
  }

  @Test
  void lastModifiedIsSentBackAsIfModifiedSince() {
    String lastModified = "Wed, 21 Oct 2025 07:28:00 GMT";
    server.on(
        "/h.js",
        headers ->
            lastModified.equals(headers.getFirst("if-modified-since"))
                ? new Answer(304, Map.of(), null)
                : Answer.ok("res.end('a')", Map.of("last-modified", lastModified, "cache-control", "no-cache")));
    HandlerCache cache = cache();
    HandlerCode first = get(cache, server.url("/h.js"));
    assertSame(first, get(cache, server.url("/h.js")));
    assertEquals(lastModified, server.lastRequest().getFirst("if-modified-since"));
    assertEquals(2, server.hits("/h.js"));
  }

  @Test
  void noCacheRevalidatesBeforeEveryUse() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("cache-control", "no-cache", "etag", "\"x\"")));
    HandlerCache cache = cache();
    get(cache, server.url("/h.js"));
    get(cache, server.url("/h.js"));
    get(cache, server.url("/h.js"));
    assertEquals(3, server.hits("/h.js"));
    assertEquals("\"x\"", server.lastRequest().getFirst("if-none-match"));
  }

  @Test
  void noStoreIsNeverKept() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("cache-control", "no-store", "etag", "\"x\"")));
    HandlerCache cache = cache();
    get(cache, server.url("/h.js"));
    get(cache, server.url("/h.js"));
    assertEquals(2, server.hits("/h.js"));
    assertNull(server.lastRequest().getFirst("if-none-match"));
    assertFalse(cache.holds(server.url("/h.js")));
  }

  @Test
  void privateResponsesAreCached() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("cache-control", "private, max-age=60")));
    HandlerCache cache = cache();
    get(cache, server.url("/h.js"));
    get(cache, server.url("/h.js"));
    assertEquals(1, server.hits("/h.js"));
  }

  @Test
  void responseWithoutCachingHeadersIsFreshForTheConfiguredDefault() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of()));
    HandlerCache cache = cache(SETTINGS.withCache(1 << 20, Duration.ofSeconds(5)));
    get(cache, server.url("/h.js"));
    clock.advance(Duration.ofSeconds(4));
    get(cache, server.url("/h.js"));
    assertEquals(1, server.hits("/h.js"));
    clock.advance(Duration.ofSeconds(2));
    get(cache, server.url("/h.js"));
    assertEquals(2, server.hits("/h.js"));
  }

  @Test
  void expiresIsHonouredWhenThereIsNoMaxAge() {
    // The server sends its own Date; Expires is a minute after it.
    String expires =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("expires", expires)));
    HandlerCache cache = cache(SETTINGS.withCache(1 << 20, Duration.ZERO));
    get(cache, server.url("/h.js"));
    clock.advance(Duration.ofSeconds(50));
    get(cache, server.url("/h.js"));
    assertEquals(1, server.hits("/h.js"));
    clock.advance(Duration.ofSeconds(15));
    get(cache, server.url("/h.js"));
    assertEquals(2, server.hits("/h.js"));
  }

  @Test
  void changedCodeReplacesTheCachedCopy() {
    AtomicInteger version = new AtomicInteger(1);
    server.on("/h.js", headers -> Answer.ok("res.end('" + version.get() + "')", Map.of("cache-control", "max-age=1")));
    HandlerCache cache = cache();
    HandlerCode first = get(cache, server.url("/h.js"));
    version.set(2);
    clock.advance(Duration.ofSeconds(2));
    HandlerCode second = get(cache, server.url("/h.js"));
    assertNotSame(first, second);
    assertEquals("res.end('2')", second.code());
    assertEquals(second.bytes(), cache.bytes());
  }

  @Test
  void tenThousandConcurrentRequestsForOneUrlCauseOneFetch() throws Exception {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("cache-control", "no-cache")));
    CountDownLatch gate = new CountDownLatch(1);
    server.holdAnswersUntil(gate);
    HandlerCache cache = cache();
    List<CompletableFuture<HandlerCode>> pending = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      pending.add(cache.get(server.url("/h.js")).toCompletableFuture());
    }
    gate.countDown();
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertEquals(1, server.hits("/h.js"));
    HandlerCode code = pending.getFirst().get();
    assertTrue(pending.stream().allMatch(f -> f.join() == code));
  }

  @Test
  void failedFetchIsNotCachedAndTheNextRequestFetchesAgain() {
    AtomicInteger calls = new AtomicInteger();
    server.on(
        "/h.js",
        headers ->
            calls.incrementAndGet() == 1
                ? new Answer(500, Map.of("cache-control", "max-age=600"), "oops")
                : Answer.ok("res.end('a')", Map.of("cache-control", "max-age=600")));
    HandlerCache cache = cache();
    var failure = assertThrows(HandlerFetchException.class, () -> get(cache, server.url("/h.js")));
    assertEquals(ErrorCode.HANDLER_FETCH_FAILED, failure.error().code());
    assertFalse(cache.holds(server.url("/h.js")));
    assertEquals("res.end('a')", get(cache, server.url("/h.js")).code());
    assertEquals(2, server.hits("/h.js"));
  }

  @Test
  void cacheHoldsAtMostMaxBytesAndDropsTheLeastRecentlyUsedFirst() {
    String code = "x".repeat(400);
    for (String name : List.of("/a.js", "/b.js", "/c.js")) {
      server.on(name, Answer.ok(code, Map.of("cache-control", "max-age=600")));
    }
    HandlerCache cache = cache(SETTINGS.withCache(1000, Duration.ZERO));
    get(cache, server.url("/a.js"));
    get(cache, server.url("/b.js"));
    get(cache, server.url("/a.js")); // a is now the most recently used
    get(cache, server.url("/c.js")); // 1200 bytes > 1000: b goes
    assertTrue(cache.holds(server.url("/a.js")));
    assertFalse(cache.holds(server.url("/b.js")));
    assertTrue(cache.holds(server.url("/c.js")));
    assertEquals(800, cache.bytes());
  }

  @Test
  void oneVersionOfTheCodeIsParsedIntoOneSharedSource() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of("cache-control", "max-age=60")));
    HandlerCache cache = cache();
    try (JsEngine engine = new JsEngine()) {
      var first = engine.handler(get(cache, server.url("/h.js")));
      var second = engine.handler(get(cache, server.url("/h.js")));
      assertSame(first, second);
    }
  }

  @Test
  void urlOutsideTheAllowListIsForbiddenWithoutBeingFetched() {
    server.on("/h.js", Answer.ok("res.end('a')", Map.of()));
    HandlerCache cache = cache(SETTINGS.withAllow(List.of("https://*.example.com/*")));
    var failure = assertThrows(HandlerFetchException.class, () -> get(cache, server.url("/h.js")));
    assertEquals(ErrorCode.HANDLER_FORBIDDEN, failure.error().code());
    assertTrue(failure.getMessage().contains("renga.handlers.allow"), failure.getMessage());
    assertEquals(0, server.hits("/h.js"));
  }

  @Test
  void redirectToAUrlOutsideTheAllowListIsForbidden() {
    server.on("/allowed/h.js", new Answer(302, Map.of("location", "/other/h.js"), null));
    server.on("/other/h.js", Answer.ok("res.end('a')", Map.of()));
    HandlerCache cache = cache(SETTINGS.withAllow(List.of("http://127.0.0.1:*/allowed/*")));
    var failure = assertThrows(HandlerFetchException.class, () -> get(cache, server.url("/allowed/h.js")));
    assertEquals(ErrorCode.HANDLER_FORBIDDEN, failure.error().code());
    assertEquals(0, server.hits("/other/h.js"));
  }

  @Test
  void urlInsideTheAllowListIsFetched() {
    server.on("/allowed/h.js", Answer.ok("res.end('a')", Map.of()));
    HandlerCache cache = cache(SETTINGS.withAllow(List.of("https://*.example.com/*", "http://127.0.0.1:*/allowed/*")));
    assertInstanceOf(HandlerCode.class, get(cache, server.url("/allowed/h.js")));
  }
}
