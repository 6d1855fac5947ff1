package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.renga.node.testing.FixtureServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Tenants (renga.tenants in a tenants file) on a real gateway and node: two tenants told apart by their handlers'
 * loopback origins, one with a database password in a secret file. Each tenant's process.env, limits and network
 * policy apply to its handlers only; secret values never reach a log line, an error body, console capture or the admin
 * API; an edit of the file (and a rotated secret) applies without restarting the node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantsEndToEndTest {
  private static final String PASSWORD = "pg-Pass-92f1e7";
  private static final String ROTATED = "pg-Rotated-5c0d33";
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final RengaProcesses renga = new RengaProcesses();
  private static final FixtureServer acme = new FixtureServer();
  private static final FixtureServer globex = new FixtureServer();
  private static final FixtureServer stranger = new FixtureServer();
  private static final FixtureServer upstream = new FixtureServer();
  private static Path dir;
  private static Path tenantsFile;
  private static Path secret;
  private static RengaProcesses.Gateway gateway;
  private static String nodeAdmin;
  private static Process node;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("renga-tenants-e2e");
    Files.createDirectories(dir.resolve("acme-secrets"));
    secret = dir.resolve("acme-secrets").resolve("DB_PASSWORD");
    Files.writeString(secret, PASSWORD + "\n");
    tenantsFile = dir.resolve("tenants.conf");
    Files.writeString(tenantsFile, tenants("https://api.acme.example"));
    gateway = renga.seedGateway("tenants-gateway", Map.of("renga.tenants-file", tenantsFile.toString()));
    int adminPort = RengaProcesses.freePort();
    nodeAdmin = "http://127.0.0.1:" + adminPort;
    node =
        renga.node(
            "tenants-node",
            gateway.seeds(),
            Map.of(
                "renga.tenants-file", tenantsFile.toString(),
                "renga.tenants-reload-interval", "300ms",
                // Ample: the tight tenant's CPU limit, not the clock, must be what stops its loop.
                "renga.sandbox.request-timeout", "20s",
                "renga.node.admin.host", "127.0.0.1",
                "renga.node.admin.port", Integer.toString(adminPort)));
    renga.awaitRouted(gateway, 1);
  }

  /** The tenants file: acme (secret dir, tight CPU limit, one allowed loopback port), globex (private denied). */
  private static String tenants(String apiUrl) {
    String upstreamUrl = upstream.url("hello.js");
    String upstreamPort = upstream.base().substring(upstream.base().lastIndexOf(':') + 1);
    return """
        acme {
          match = ["%s/"]
          env { API_URL = "%s", UPSTREAM = "%s" }
          secrets { dir = "%s" }
          sandbox {
            cpu-limit = 300ms
            network { allow-private = false, allow = ["127.0.0.1:%s"] }
          }
          min-share = 4
        }
        globex {
          match = ["%s/"]
          env { UPSTREAM = "%s" }
          # Its 1 s job spins on Date.now(): run cold, by the interpreter, that allocates hundreds of MB a second.
          sandbox { memory-limit = 4g, network.allow-private = false }
        }
        """
        .formatted(acme.base(), apiUrl, upstreamUrl, dir.resolve("acme-secrets"), upstreamPort, globex.base(), upstreamUrl);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      renga.close();
    } finally {
      List.of(acme, globex, stranger, upstream).forEach(FixtureServer::close);
      Files.deleteIfExists(secret);
      Files.deleteIfExists(dir.resolve("acme-secrets"));
      Files.deleteIfExists(tenantsFile);
      Files.deleteIfExists(dir);
    }
  }

  private static HttpResponse<String> call(String handlerUrl, String console) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(gateway.url() + "/"))
            .header("x-haiku-handler", handlerUrl)
            .timeout(Duration.ofSeconds(60));
    if (console != null) {
      request.header("x-haiku-console", console);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static JsonNode env(FixtureServer tenant) throws IOException {
    HttpResponse<String> response = call(tenant.url("tenants/env.js"), null);
    assertEquals(200, response.statusCode(), response.body());
    return json.readTree(response.body());
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  @Order(1)
  void aTenantsEnvAndSecretsReachOnlyItsHandlersAndNeverALogLineErrorBodyOrConsoleCapture() throws IOException {
    JsonNode acmeEnv = env(acme);
    assertEquals(PASSWORD, acmeEnv.path("DB_PASSWORD").asText(), acmeEnv.toString());
    assertEquals("https://api.acme.example", acmeEnv.path("API_URL").asText());
    assertEquals(List.of("UPSTREAM"), names(env(globex)), "another tenant's handler sees none of acme's values");
    assertEquals(List.of(), names(env(stranger)), "a handler of no tenant sees an empty process.env");

    HttpResponse<String> header = call(acme.url("tenants/leak-console.js"), "header");
    assertEquals(200, header.statusCode());
    String console = URLDecoder.decode(header.headers().firstValue("x-haiku-console").orElse(""), StandardCharsets.UTF_8);
    assertTrue(console.contains("connecting with password *****"), console);
    HttpResponse<String> body = call(acme.url("tenants/leak-console.js"), "body");
    assertTrue(body.body().contains("still *****"), body.body());
    HttpResponse<String> trailer = call(acme.url("tenants/leak-console.js"), "trailer");
    assertEquals(200, trailer.statusCode());
    assertFalse(trailer.body().contains(PASSWORD), trailer.body());

    // The secret written in pieces, over several console calls: masked as a whole in every mode and in the log.
    HttpResponse<String> splitHeader = call(acme.url("tenants/leak-console-split.js"), "header");
    String split = URLDecoder.decode(splitHeader.headers().firstValue("x-haiku-console").orElse(""), StandardCharsets.UTF_8);
    assertTrue(split.startsWith("password: *****\n (split)\n"), split);
    HttpResponse<String> splitBody = call(acme.url("tenants/leak-console-split.js"), "body");
    assertTrue(splitBody.body().contains("again *****\n"), splitBody.body());
    HttpResponse<String> splitTrailer = call(acme.url("tenants/leak-console-split.js"), "trailer");
    assertEquals("done", splitTrailer.body());
    for (var response : List.of(splitHeader, splitBody, splitTrailer)) {
      for (String piece : List.of(PASSWORD.substring(3), PASSWORD.substring(5))) {
        assertFalse(response.body().contains(piece), response.body());
        response.headers().map().values().forEach(values -> assertFalse(String.join(",", values).contains(piece)));
      }
    }

    HttpResponse<String> thrown = call(acme.url("tenants/leak-throw.js"), null);
    assertEquals(500, thrown.statusCode());
    assertEquals("exception", thrown.headers().firstValue("x-renga-error").orElse(""));
    assertTrue(thrown.body().contains("cannot connect as admin:*****@db"), thrown.body());

    for (var response : List.of(header, body, thrown)) {
      assertFalse(response.body().contains(PASSWORD), response.body());
      response.headers().map().values().forEach(values -> assertFalse(String.join(",", values).contains(PASSWORD)));
    }
    renga.await(
        "the node logged the masked console lines",
        Duration.ofSeconds(10),
        () -> RengaProcesses.log("tenants-node").contains("password: *****"));
    assertFalse(RengaProcesses.log("tenants-node").contains(PASSWORD), "the node's log holds no secret value");
    assertFalse(RengaProcesses.log("tenants-gateway").contains(PASSWORD), "the gateway's log holds no secret value");
    renga.await(
        "the node logged the split secret's lines",
        Duration.ofSeconds(10),
        () -> RengaProcesses.log("tenants-node").contains("again *****"));
    for (String piece : List.of(PASSWORD.substring(3), PASSWORD.substring(5))) {
      assertFalse(RengaProcesses.log("tenants-node").contains(piece), "the node's log holds no piece of a secret");
    }
  }

  @Test
  @Order(2)
  void aTenantsTighterCpuLimitStopsItsLoopWhileAnotherTenantsLongerJobCompletes() {
    HttpResponse<String> loop = call(acme.url("loop.js"), null);
    assertEquals(500, loop.statusCode(), loop.body());
    assertEquals("cpu-limit", loop.headers().firstValue("x-renga-error").orElse(""), loop.body());
    assertTrue(loop.body().contains("300ms"), loop.body());

    HttpResponse<String> job = call(globex.url("tenants/spin.js"), null);
    assertEquals(200, job.statusCode(), job.body());
    assertEquals("spun true", job.body());
  }

  @Test
  @Order(3)
  void aLoopbackPortAllowedForOneTenantIsRefusedWithThePolicyErrorForAnother() {
    HttpResponse<String> allowed = call(acme.url("tenants/connect.js"), null);
    assertEquals("reached 200", allowed.body());
    HttpResponse<String> refused = call(globex.url("tenants/connect.js"), null);
    assertEquals(502, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("forbidden by network policy"), refused.body());
  }

  @Test
  @Order(4)
  void adminTenantsListsTheTenantsWithEverySecretMasked() {
    JsonNode tenants = renga.json(nodeAdmin + "/admin/tenants");
    assertFalse(tenants.toString().contains(PASSWORD), tenants.toString());
    JsonNode acmeEntry = find(tenants, "acme");
    assertEquals("*****", acmeEntry.path("secrets").path("DB_PASSWORD").path("value").asText(), acmeEntry.toString());
    assertEquals(300, acmeEntry.path("sandbox").path("cpuLimitMs").asInt());
    assertEquals("https://api.acme.example", acmeEntry.path("env").path("API_URL").asText());
    assertEquals(false, find(tenants, "globex").path("network").path("allowPrivate").asBoolean(true));

    JsonNode atGateway = renga.json(gateway.admin() + "/admin/tenants");
    assertEquals(4, find(atGateway, "acme").path("minShare").asInt());
  }

  @Test
  @Order(5)
  void anEditedTenantsFileAndARotatedSecretApplyWithoutRestartingTheNode() throws Exception {
    long pid = node.pid();
    Files.writeString(secret, ROTATED + "\n");
    Files.writeString(tenantsFile, tenants("https://v2.api.acme.example"));
    renga.await(
        "acme's handlers see the new env and the rotated secret",
        Duration.ofSeconds(30),
        () -> {
          try {
            JsonNode env = env(acme);
            return env.path("API_URL").asText().equals("https://v2.api.acme.example")
                && env.path("DB_PASSWORD").asText().equals(ROTATED);
          } catch (IOException e) {
            return false;
          }
        });
    assertTrue(node.isAlive() && node.pid() == pid, "the same node JVM serves on");
    // The node logs the change once it is in force: the line may follow the first request that sees it.
    renga.await(
        "the node logs which tenant changed",
        Duration.ofSeconds(10),
        () -> RengaProcesses.log("tenants-node").contains("changed [acme]"));

    // A broken file keeps the tenants in force; SIGHUP reloads at once.
    Files.writeString(tenantsFile, "acme { match = [");
    new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
    renga.await(
        "the node reports the broken file",
        Duration.ofSeconds(30),
        () -> RengaProcesses.log("tenants-node").contains("tenants not reloaded"));
    assertEquals("https://v2.api.acme.example", env(acme).path("API_URL").asText());
    assertTrue(node.isAlive(), "SIGHUP reloads; it does not stop the node");
    assertFalse(RengaProcesses.log("tenants-node").contains(PASSWORD), "the node's log holds no secret value");
    assertFalse(RengaProcesses.log("tenants-node").contains(ROTATED), "the node's log holds no secret value");
  }

  private static JsonNode find(JsonNode tenants, String name) {
    for (JsonNode tenant : tenants.path("tenants")) {
      if (tenant.path("name").asText().equals(name)) {
        return tenant;
      }
    }
    throw new AssertionError("no tenant " + name + " in " + tenants);
  }
}
