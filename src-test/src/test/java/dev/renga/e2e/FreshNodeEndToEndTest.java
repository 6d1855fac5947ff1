package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.renga.node.testing.FixtureServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A node under its launcher, as `bin/renga node` runs it, with no warm-up workload (RengaProcesses turns it off):
 * its first request is an endless loop,
 * answered on a JVM that is still compiling (the launcher's node compiles JavaScript), with the default request-timeout
 * (5 s) and a 1 s CPU limit. Then its tenants file changes with the file check off, and a SIGHUP to the
 * launcher (not to the node) makes the serving node reload it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreshNodeEndToEndTest {
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final RengaProcesses renga = new RengaProcesses();
  private static final FixtureServer fixtures = new FixtureServer();
  private static Path tenantsFile;
  private static RengaProcesses.Gateway gateway;
  private static Process launcher;

  @BeforeAll
  static void start() throws IOException {
    tenantsFile = Files.createTempFile("renga-fresh-node-tenants", ".conf");
    Files.writeString(tenantsFile, tenants("1"));
    gateway = renga.seedGateway("fresh-gateway", Map.of());
    launcher =
        renga.launchedNode(
            "fresh-node",
            gateway.seeds(),
            Map.of(
                "renga.tenants-file", tenantsFile.toString(),
                // No file check: only a SIGHUP can make the node read the file again.
                "renga.tenants-reload-interval", "0s",
                // Below the default 2 s, so that the loop surely runs that long before the 5 s limit even when the
                // handler's fetch on a cold JVM takes seconds; a starved thread still gets far less CPU than that.
                "renga.sandbox.cpu-limit", "1s"));
    renga.awaitRouted(gateway, 1);
  }

  private static String tenants(String release) {
    return """
        fixtures {
          match = ["%s/"]
          env { RELEASE = "%s" }
        }
        """
        .formatted(fixtures.base(), release);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      renga.close();
    } finally {
      fixtures.close();
      Files.deleteIfExists(tenantsFile);
    }
  }

  private static HttpResponse<String> call(String handler) {
    try {
      return client.send(
          HttpRequest.newBuilder(URI.create(gateway.url() + "/"))
              .header("x-haiku-handler", fixtures.url(handler))
              .timeout(Duration.ofSeconds(60))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String release() {
    HttpResponse<String> response = call("tenants/env.js");
    assertEquals(200, response.statusCode(), response.body());
    try {
      JsonNode env = json.readTree(response.body());
      return env.path("RELEASE").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @Order(1)
  void theFirstEndlessLoopOnAColdNodeIsStoppedForItsCpuUse() {
    HttpResponse<String> loop = call("loop.js");
    assertEquals(500, loop.statusCode(), loop.body());
    assertEquals("cpu-limit", loop.headers().firstValue("x-renga-error").orElse(""), loop.body());
    assertEquals(200, call("hello.js").statusCode(), "the node serves on");
  }

  @Test
  @Order(2)
  void sighupToTheLauncherMakesTheServingNodeReloadItsTenants() throws Exception {
    assertEquals("1", release());
    renga.await(
        "the launcher knows its node catches SIGHUP",
        Duration.ofSeconds(30),
        () -> RengaProcesses.log("fresh-node").contains("node 1 serving"));
    Files.writeString(tenantsFile, tenants("2"));
    assertEquals("1", release(), "the file check is off: nothing reads the file yet");

    new ProcessBuilder("kill", "-HUP", Long.toString(launcher.pid())).start().waitFor(10, TimeUnit.SECONDS);

    renga.await("the node serves the new env", Duration.ofSeconds(30), () -> release().equals("2"));
    assertTrue(launcher.isAlive(), "SIGHUP reloads; it stops neither the launcher nor its node");
    String log = RengaProcesses.log("fresh-node");
    assertTrue(log.contains("SIGHUP passed on"), log);
    assertTrue(log.contains("tenants reloaded (SIGHUP): added [], changed [fixtures], removed []"), log);
    assertTrue(!log.contains("node 2 serving"), "the same node JVM serves on");
  }
}
