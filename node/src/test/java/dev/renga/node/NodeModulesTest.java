package dev.renga.node;

import static dev.renga.node.testing.HandlerRunner.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.RengaConfig;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.testing.FixtureServer;
import dev.renga.node.testing.HandlerRunner;
import dev.renga.node.testing.TestIsolation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Node's built-in modules as handlers use them (docs/HANDLERS.md): each fixture under handlers/node-modules exercises
 * one area and declares the body it must answer with ({@code // expect-body:}); each runs under the build's isolation
 * level (both, across the two surefire executions).
 */
@ExtendWith(LogCapturingExtension.class)
class NodeModulesTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final FixtureServer fixtures = new FixtureServer();
  private static final JsEngine engine = TestIsolation.engine(4);
  private static final HandlerRunner runner =
      HandlerRunner.of(testKit, engine, HandlerRunner.loopbackHandlers(), Duration.ofSeconds(60));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    fixtures.close();
    engine.close();
  }

  /** Runs a fixture and checks its body against the fixture's own expect-body line. */
  private static void answersAsDeclared(String fixture) {
    String name = "node-modules/" + fixture;
    assertEquals(expectedBody(name), body(runner.run(fixtures.url(name))), fixture);
  }

  private static String expectedBody(String name) {
    try (InputStream in = NodeModulesTest.class.getResourceAsStream("/handlers/" + name)) {
      assertNotNull(in, name);
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("// expect-body: ")) {
          return line.substring("// expect-body: ".length());
        }
      }
      throw new IllegalArgumentException(name + " declares no expect-body");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void streamsPipeTransformAndDecodeAsInNode() {
    answersAsDeclared("stream-pipeline.js");
  }

  @Test
  void zlibMakesNodesBytesAndInflatesThemBackInEveryForm() {
    answersAsDeclared("zlib.js");
  }

  @Test
  void cryptoKnownAnswersAndPgsScramProofOnWebCrypto() {
    answersAsDeclared("crypto.js");
  }

  @Test
  void asyncLocalStorageFollowsTheRequestAcrossAwaitAndTimers() {
    answersAsDeclared("async-local-storage.js");
  }

  @Test
  void timersAreObjectsAndAnUnrefdTimerFiresOnlyWhileSomethingElseWaits() {
    answersAsDeclared("timers.js");
    var failed = HandlerRunner.failed(runner.run(fixtures.url("node-modules/unref-only.js")), ErrorCode.NO_RESPONSE);
    assertTrue(failed.error().cause().contains("without ending the response"), failed.toString());
  }

  @Test
  void eventsOnceOnSubclassesAndErrors() {
    answersAsDeclared("events.js");
  }

  @Test
  void processOsPerfHooksDiagnosticsChannelTtyUtilAndTheSmallModules() {
    answersAsDeclared("process-os-misc.js");
  }

  @Test
  void refusedModulesLoadAndEveryUseThrowsANamedError() {
    answersAsDeclared("refused.js");
  }

  // What one request does to the built-in modules is not seen by the next: the conformance suite's
  // isolation/module-state.js, run end to end in both isolation levels.

  @Test
  void errorStackHooksAreAssignableAndStayWithTheirRequest() {
    for (int request = 0; request < 3; request++) {
      answersAsDeclared("error-hooks.js");
    }
  }
}
