package dev.renga.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.node.testing.ScriptedServer;
import dev.renga.node.testing.ScriptedServer.Answer;
import com.typesafe.config.ConfigFactory;
import dev.renga.core.RengaConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModuleLoaderTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final ScriptedServer server = new ScriptedServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private HandlerBundle load(String path, int maxModules) throws Exception {
    var fetcher =
        new HandlerFetcher(
            new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(5), true).withCache(1 << 20, Duration.ofSeconds(60)),
            testKit.system());
    return new ModuleLoader(new HandlerCache(fetcher), maxModules).load(server.url(path)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Answer js(String code) {
    return Answer.ok(code, Map.of());
  }

  @Test
  void literalRelativeRequiresAreFetchedRecursivelyRelativeToEachFile() throws Exception {
    server.on("/app/h.js", js("const a = require('./a'); const b = require(\"../shared/b.js\"); require('util');"));
    server.on("/app/a.js", js("module.exports = require('./sub/c.js');"));
    server.on("/app/sub/c.js", js("module.exports = 1;"));
    server.on("/shared/b.js", js("module.exports = require('../app/a.js');"));
    HandlerBundle bundle = load("/app/h.js", 50);
    assertEquals(3, bundle.modules().size(), bundle.modules().keySet().toString());
    assertNotNull(bundle.module(server.url("/app/h.js"), "./a").code());
    assertNotNull(bundle.module(server.url("/app/a.js"), "./sub/c.js").code());
    assertNotNull(bundle.module(server.url("/app/h.js"), "../shared/b.js").code());
    // a.js was required twice but fetched once.
    assertEquals(1, server.hits("/app/a.js"));
  }

  @Test
  void literalRequireInACommentIsPrefetchedAndItsAbsenceFailsNothing() throws Exception {
    server.on("/h.js", js("const x = require('crypto'); // require('./in-a-comment-is-still-literal-but-harmless')"));
    HandlerBundle bundle = load("/h.js", 50);
    assertEquals(1, bundle.modules().size());
    assertNull(bundle.modules().values().iterator().next().code()); // 404: kept as the reason, not thrown
  }

  @Test
  void missingModuleIsKeptAsItsReasonInsteadOfFailingTheHandler() throws Exception {
    server.on("/h.js", js("try { require('./gone.js'); } catch (e) {}"));
    HandlerBundle.Module gone = load("/h.js", 50).module(server.url("/h.js"), "./gone.js");
    assertNull(gone.code());
    assertTrue(gone.error().startsWith("handler-fetch-failed") && gone.error().contains("404"), gone.error());
  }

  @Test
  void modulesBeyondTheLimitAreRefusedWithTheSettingNamed() throws Exception {
    server.on("/h.js", js("require('./m1.js');"));
    for (int i = 1; i <= 5; i++) {
      server.on("/m" + i + ".js", js("require('./m" + (i + 1) + ".js');"));
    }
    HandlerBundle bundle = load("/h.js", 3);
    assertNotNull(bundle.module(server.url("/h.js"), "./m3.js").code());
    HandlerBundle.Module refused = bundle.module(server.url("/h.js"), "./m4.js");
    assertTrue(refused.error().contains("renga.handlers.max-modules (3)"), refused.error());
    assertEquals(0, server.hits("/m4.js"));
  }

  @Test
  void specifierWithoutExtensionMeansDotJsAndNonRelativeSpecifiersResolveToNothing() {
    assertEquals("https://a.test/x/lib.js", ModuleLoader.resolve("https://a.test/x/h.js", "./lib"));
    assertEquals("https://a.test/lib.json", ModuleLoader.resolve("https://a.test/x/h.js", "../lib.json"));
    assertNull(ModuleLoader.resolve("https://a.test/x/h.js", "lib"));
    assertNull(ModuleLoader.resolve("https://a.test/x/h.js", "/etc/passwd"));
  }
}
