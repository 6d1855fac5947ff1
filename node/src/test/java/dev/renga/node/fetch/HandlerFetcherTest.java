package dev.renga.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.RengaConfig;
import dev.renga.node.testing.ScriptedServer;
import dev.renga.node.testing.ScriptedServer.Answer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handler fetches connect to the address their network-policy check approved, never to what a second look-up of the
 * name would say (DNS rebinding): the names here exist only in a stub resolver, which answers the server's loopback
 * address the first time it is asked and a denied address every time after.
 */
class HandlerFetcherTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final HandlerSettings SETTINGS = new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true);
  /** Link-local (cloud metadata): denied by every network policy. */
  private static final InetAddress REBOUND = address("169.254.169.254");

  private final ScriptedServer server = new ScriptedServer();
  /** How often each name was looked up. */
  private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    server.close();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no look-up
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** A fetcher whose resolver knows only names under .renga.test: loopback once, then the rebound address. */
  private HandlerFetcher rebindingFetcher() {
    return new HandlerFetcher(
        SETTINGS,
        testKit.system(),
        new PinnedLookup(
            host -> {
              if (!host.endsWith(".renga.test")) {
                throw new UnknownHostException(host);
              }
              int asked = lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
              return new InetAddress[] {asked == 1 ? InetAddress.getLoopbackAddress() : REBOUND};
            }));
  }

  /** {@code path} on the scripted server, under {@code host} instead of its address. */
  private String url(String host, String path) {
    return "http://" + host + ":" + URI.create(server.url(path)).getPort() + path;
  }

  private static HandlerFetchException failure(HandlerFetcher fetcher, String url) {
    var thrown =
        assertThrows(
            ExecutionException.class, () -> fetcher.fetch(url).toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(HandlerFetchException.class, thrown.getCause());
  }

  @Test
  void fetchConnectsToTheAddressItCheckedAndNamesTheUrlsHost() throws Exception {
    server.on("/h.js", Answer.ok("res.end('pinned')", Map.of()));
    String url = url("code.renga.test", "/h.js");

    String code = rebindingFetcher().fetch(url).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertEquals("res.end('pinned')", code);
    // One look-up, checked and connected to: the JVM's resolver does not know the name, and a second look-up
    // would have answered the denied address.
    assertEquals(1, lookups.get("code.renga.test").get());
    assertEquals(1, server.hits("/h.js"));
    assertEquals(List.of(URI.create(url).getAuthority()), server.lastRequest().get("Host"));
  }

  @Test
  void everyRedirectHopConnectsToTheAddressItChecked() throws Exception {
    server.on("/old.js", new Answer(302, Map.of("location", url("next.renga.test", "/new.js")), ""));
    server.on("/new.js", Answer.ok("res.end('moved')", Map.of()));

    String code = rebindingFetcher().fetch(url("first.renga.test", "/old.js")).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertEquals("res.end('moved')", code);
    assertEquals(1, lookups.get("first.renga.test").get());
    assertEquals(1, lookups.get("next.renga.test").get());
    assertEquals(List.of(URI.create(url("next.renga.test", "/new.js")).getAuthority()), server.lastRequest().get("Host"));
  }

  @Test
  void aNameThatResolvesToADeniedAddressIsForbiddenAndNeverConnected() {
    server.on("/h.js", Answer.ok("res.end('no')", Map.of()));
    String url = url("metadata-alias.renga.test", "/h.js");
    HandlerFetcher fetcher = rebindingFetcher();
    lookups.put("metadata-alias.renga.test", new AtomicInteger(1)); // the stub's next answer is the rebound address

    HandlerFetchException failure = failure(fetcher, url);

    assertEquals(ErrorCode.HANDLER_FORBIDDEN, failure.error().code());
    assertEquals(0, server.hits("/h.js"));
  }

  @Test
  void aNameNoResolverKnowsFailsTheFetch() {
    HandlerFetchException failure = failure(rebindingFetcher(), "http://nowhere.invalid:1/h.js");

    assertEquals(ErrorCode.HANDLER_FETCH_FAILED, failure.error().code());
  }
}
