package dev.renga.node.tenants;

import static dev.renga.node.testing.HandlerRunner.body;
import static dev.renga.node.testing.HandlerRunner.failed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.renga.core.ErrorCode;
import dev.renga.core.Header;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import dev.renga.core.tenants.Tenants;
import dev.renga.core.tenants.TenantsReloader;
import dev.renga.core.tenants.TenantsSource;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.sandbox.Isolation;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import dev.renga.node.fetch.HandlerCache;
import dev.renga.node.testing.FixtureServer;
import dev.renga.node.testing.HandlerRunner;
import dev.renga.node.testing.TestIsolation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests of two tenants (two handler origins) on one node: each sees its own process.env and secrets, its own
 * network policy and isolation level; secret values stay out of console capture and error bodies.
 */
@ExtendWith(LogCapturingExtension.class)
class TenantRequestsTest {
  private static final String PASSWORD = "pg-Secret-4711";
  private static final String STRIPE = "sk_live_tenant_acme";
  private static final ObjectMapper json = new ObjectMapper();
  private static final FixtureServer acme = new FixtureServer();
  private static final FixtureServer globex = new FixtureServer();
  private static final FixtureServer stranger = new FixtureServer();
  private static final FixtureServer upstream = new FixtureServer();
  private static final Path secrets = secretsDir();
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final JsEngine engine = TestIsolation.engine(2);
  private static final Tenants<TenantSettings> tenants;
  private static final HandlerRunner runner;

  static {
    String other = TestIsolation.scope() ? "context" : "scope";
    String upstreamUrl = upstream.url("hello.js");
    int upstreamPort = Integer.parseInt(upstream.base().substring(upstream.base().lastIndexOf(':') + 1));
    Config node =
        RengaConfig.withDefaults(
            ConfigFactory.parseString(
                """
                renga.sandbox.network.allow-private = true
                renga.tenants {
                  acme {
                    match = ["%s/handlers/tenants/"]
                    env { API_URL = "https://api.acme.example", UPSTREAM = "%s" }
                    secrets {
                      files { DB_PASSWORD = "%s" }
                      env { STRIPE_KEY = "ACME_STRIPE" }
                    }
                    sandbox.network { allow-private = false, allow = ["127.0.0.1:%d"] }
                  }
                  globex {
                    match = "%s"
                    env { UPSTREAM = "%s" }
                    sandbox { isolation = %s, network.allow-private = false }
                  }
                }
                """
                    .formatted(
                        acme.base(), upstreamUrl, secrets.resolve("db-password"), upstreamPort, globex.base(),
                        upstreamUrl, other)));
    tenants =
        TenantsReloader.load(
                TenantsSource.from(node),
                NodeTenants.parser(node, name -> name.equals("ACME_STRIPE") ? STRIPE : null));
    // As on a node: the engine runs ordinary code first, so the first request does not pay for a cold engine.
    engine.warmUp(3);
    var blocking = testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
    HandlerFetcher fetcher = new HandlerFetcher(new HandlerSettings(100 * 1024, 3, Duration.ofSeconds(2), true), testKit.system());
    runner =
        new HandlerRunner(
            testKit,
            new Sandbox(
                engine, fetcher, SandboxSettings.from(node), new RunningTurns(), blocking, new HandlerCache(fetcher), tenants));
  }

  private static Path secretsDir() {
    try {
      Path dir = Files.createTempDirectory("renga-tenant-secrets");
      Files.writeString(dir.resolve("db-password"), PASSWORD + "\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() throws IOException {
    testKit.shutdownTestKit();
    List.of(acme, globex, stranger, upstream).forEach(FixtureServer::close);
    engine.close();
    Files.deleteIfExists(secrets.resolve("db-password"));
    Files.deleteIfExists(secrets);
  }

  private static JsonNode env(FixtureServer tenant) throws IOException {
    return json.readTree(body(runner.run(tenant.url("tenants/env.js"))));
  }

  @Test
  void aTenantsEnvAndSecretsReachItsHandlersOnly() throws IOException {
    JsonNode acmeEnv = env(acme);
    assertEquals("https://api.acme.example", acmeEnv.path("API_URL").asText());
    assertEquals(PASSWORD, acmeEnv.path("DB_PASSWORD").asText(), "the file's value without its line break");
    assertEquals(STRIPE, acmeEnv.path("STRIPE_KEY").asText());

    JsonNode globexEnv = env(globex);
    assertEquals(List.of("UPSTREAM"), iterable(globexEnv.fieldNames()));
    assertEquals(List.of(), iterable(env(stranger).fieldNames()), "a handler of no tenant sees an empty process.env");
  }

  @Test
  void whatARequestWritesIntoProcessEnvStaysInThatRequest() {
    for (int i = 0; i < 3; i++) {
      assertEquals("absent yes", body(runner.run(acme.url("tenants/env-writes.js"))));
    }
  }

  @Test
  void secretValuesAreMaskedInConsoleCapture() {
    var reply =
        runner.run(
            acme.url("tenants/leak-console.js"), "GET", new byte[0], List.of(new Header("x-haiku-console", "header")));
    var completed = HandlerRunner.completed(reply);
    String header =
        completed.headers().stream().filter(h -> h.name().equals("x-haiku-console")).findFirst().orElseThrow().value();
    String console = URLDecoder.decode(header, StandardCharsets.UTF_8);
    assertTrue(console.contains("connecting with password *****"), console);
    assertFalse(console.contains(PASSWORD), console);

    String captured =
        body(runner.run(acme.url("tenants/leak-console.js"), "GET", new byte[0], List.of(new Header("x-haiku-console", "body"))));
    assertTrue(captured.contains("still *****"), captured);
    assertFalse(captured.contains(PASSWORD), captured);
  }

  @Test
  void aSecretWrittenOverSeveralConsoleCallsIsMaskedInConsoleCapture() {
    // The trailer mode streams (several replies): TenantsEndToEndTest reads it from the wire.
    for (String mode : List.of("header", "body")) {
      var completed =
          HandlerRunner.completed(
              runner.run(acme.url("tenants/leak-console-split.js"), "GET", new byte[0], List.of(new Header("x-haiku-console", mode))));
      String console =
          mode.equals("body")
              ? new String(completed.body(), StandardCharsets.UTF_8)
              : URLDecoder.decode(
                  completed.headers().stream().filter(h -> h.name().equals("x-haiku-console")).findFirst().map(Header::value)
                      .orElseGet(() -> ""),
                  StandardCharsets.UTF_8);
      assertTrue(console.startsWith("password: *****\n (split)\n"), mode + ": " + console);
      assertFalse(console.contains(PASSWORD.substring(3)) || console.contains(PASSWORD.substring(5)), mode + ": " + console);
    }
  }

  @Test
  void secretValuesAreMaskedInErrorBodies() {
    var failed = failed(runner.run(acme.url("tenants/leak-throw.js")), ErrorCode.EXCEPTION);
    assertTrue(failed.error().cause().contains("cannot connect as admin:*****@db"), failed.error().cause());
    assertFalse(failed.error().cause().contains(PASSWORD), failed.error().cause());
  }

  @Test
  void aTenantReachesTheLoopbackPortItsPolicyAllowsWhileAnotherIsRefused() {
    assertEquals("reached 200", body(runner.run(acme.url("tenants/connect.js"))));
    NodeProtocol.Completed refused = HandlerRunner.completed(runner.run(globex.url("tenants/connect.js")));
    String text = new String(refused.body(), StandardCharsets.UTF_8);
    assertEquals(502, refused.status(), text);
    assertTrue(text.contains("forbidden by network policy") && text.contains("loopback or private"), text);
  }

  @Test
  void aTenantRunsUnderItsOwnIsolationLevel() {
    assertEquals(String.valueOf(TestIsolation.scope()), body(runner.run(acme.url("tenants/frozen.js"))));
    assertEquals(String.valueOf(!TestIsolation.scope()), body(runner.run(globex.url("tenants/frozen.js"))));
    assertEquals(
        TestIsolation.scope() ? Isolation.Level.CONTEXT : Isolation.Level.SCOPE,
        tenants.table().entries().get("globex").isolation().orElseThrow());
    assertTrue(tenants.table().entries().get("acme").isolation().isEmpty(), "acme runs under the node's level");
  }

  @Test
  void theAdminDescriptionMasksEverySecret() throws IOException {
    String described = json.writeValueAsString(tenants.table().entries().get("acme").describe());
    assertFalse(described.contains(PASSWORD) || described.contains(STRIPE), described);
    assertTrue(described.contains("DB_PASSWORD") && described.contains("\"value\":\"*****\""), described);
    assertFalse(tenants.table().entries().get("acme").toString().contains(PASSWORD));
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

}
