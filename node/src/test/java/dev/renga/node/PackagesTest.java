package dev.renga.node;

import static dev.renga.node.testing.HandlerRunner.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.RengaConfig;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.testing.FixtureServer;
import dev.renga.node.testing.HandlerRunner;
import dev.renga.node.testing.TestIsolation;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * npm packages in handlers (DESIGN §5): bare names from the operator's package directory (renga.handlers.packages),
 * and handlers that are esbuild bundles (CommonJS at the top level, module.exports as the handler).
 */
@ExtendWith(LogCapturingExtension.class)
class PackagesTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final FixtureServer fixtures = new FixtureServer();
  private static final JsEngine engine = TestIsolation.engine(2);
  private static final ObjectMapper json = new ObjectMapper();
  private static final HandlerRunner runner = runner(packagesDirectory());
  private static final HandlerRunner withoutPackages = runner("");

  private static String packagesDirectory() {
    try {
      return Path.of(PackagesTest.class.getResource("/packages").toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HandlerRunner runner(String packages) {
    return HandlerRunner.of(
        testKit, engine, HandlerRunner.loopbackHandlers().withPackages(packages), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    fixtures.close();
    engine.close();
  }

  private static JsonNode runJson(HandlerRunner runner, String fixture) throws Exception {
    return json.readTree(body(runner.run(fixtures.url("packages/" + fixture))));
  }

  @Test
  void bareNamesResolveInThePackageDirectoryAsNodeDoesWithAFreshInstancePerRequest() throws Exception {
    for (int request = 0; request < 3; request++) {
      JsonNode r = runJson(runner, "uses-packages.js");
      // One instance per request, shared within it: the count starts again every request.
      assertEquals("[1,2,3]", r.get("count").toString(), r.toString());
      assertTrue(r.get("same").asBoolean(), r.toString());
      assertEquals("helped x", r.get("helper").asText());
      assertEquals(2, r.get("nestedDep").asInt(), "a package's own node_modules comes first");
      assertEquals(1, r.get("topDep").asInt());
      assertEquals(42, r.get("data").get("answer").asInt());
      assertEquals("/node_modules/counter-pkg/lib/main.js", r.get("file").asText(), "no host path reaches handlers");
      assertEquals("/node_modules/counter-pkg/lib", r.get("dir").asText());
      assertEquals("cjs internal", r.get("cond").asText(), "exports: the require condition, then imports");
      assertEquals("feature", r.get("feature").asText(), "the node condition before default");
      assertEquals("sub /node_modules/cond-pkg/lib/sub/one.js", r.get("sub").asText(), "subpath patterns");
      assertEquals("cond-pkg", r.get("manifest").asText());
      assertEquals("/node_modules/cond-pkg/lib/cjs.js", r.get("resolved").asText());
      assertEquals("scoped", r.get("scoped").asText());
      assertTrue(r.get("notExported").asText().startsWith("MODULE_NOT_FOUND: Cannot find module 'cond-pkg/private'"), r.toString());
      assertTrue(r.get("esm").asText().contains("is an ES module"), r.toString());
      assertTrue(r.get("esm").asText().contains("esbuild"), r.toString());
      assertTrue(r.get("native").asText().contains("native addon"), r.toString());
      assertTrue(r.get("missing").asText().startsWith("MODULE_NOT_FOUND: Cannot find module 'no-such-pkg'"), r.toString());
      assertTrue(r.get("missing").asText().contains("renga.handlers.packages"), r.toString());
      assertTrue(r.get("escape").asText().startsWith("MODULE_NOT_FOUND"), r.toString());
    }
  }

  @Test
  void withoutAPackageDirectoryBareNamesAreNotFoundAndSaySo() {
    // The handler's first require throws, uncaught: 500 exception, naming the setting that is missing.
    String cause =
        HandlerRunner.failed(withoutPackages.run(fixtures.url("packages/uses-packages.js")), ErrorCode.EXCEPTION).error().cause();
    assertTrue(cause.contains("Cannot find module 'counter-pkg'"), cause);
    assertTrue(cause.contains("no package directory is configured (renga.handlers.packages)"), cause);
  }

  @Test
  void aBundleWhoseEntrySetsModuleExportsIsCalledWithReqAndRes() throws Exception {
    for (int request = 0; request < 2; request++) {
      JsonNode r = runJson(runner, "bundle-exports.js");
      assertEquals("hello GET", r.get("text").asText());
      assertEquals(1, r.get("calls").asInt(), "the bundle's top level runs once per request");
      assertTrue(r.get("global").asBoolean(), r.toString());
      assertTrue(r.get("filename").asBoolean(), r.toString());
      assertTrue(r.get("dirname").asBoolean(), r.toString());
      assertTrue(r.get("exportsIsModuleExports").asBoolean(), r.toString());
    }
  }

  @Test
  void aBundledEsModuleRunsItsDefaultExport() {
    assertEquals("default export ran for /path?q=1", body(runner.run(fixtures.url("packages/bundle-default.js"))));
  }

  @Test
  void aHandlerBodyMayStillDeclareModuleAndExports() {
    assertEquals("mine1f", body(runner.run(fixtures.url("packages/declares-module.js"))));
  }
}
