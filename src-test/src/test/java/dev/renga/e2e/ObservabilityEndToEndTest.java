package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.renga.node.testing.FixtureServer;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator scrapes and reads: Prometheus metrics on both admin ports (parsed by the Prometheus client's own
 * text-format parser), request ids, and one JSON access-log line per request.
 */
class ObservabilityEndToEndTest {
  private static final ObjectMapper json = new ObjectMapper();
  private static final RengaProcesses renga = new RengaProcesses();
  private static final FixtureServer fixtures = new FixtureServer();
  private static final HttpClient client = HttpClient.newHttpClient();
  private static String gateway;
  private static String gatewayAdmin;
  private static String nodeAdmin;

  @BeforeAll
  static void start() {
    int node = RengaProcesses.freePort();
    var started = renga.seedGateway("observed-gateway", Map.of("renga.log.format", "json"));
    renga.node(
        "observed-node",
        started.seeds(),
        Map.of("renga.node.admin.port", Integer.toString(node), "renga.node.max-concurrent", "500"));
    gateway = started.url();
    gatewayAdmin = started.admin();
    nodeAdmin = "http://127.0.0.1:" + node;
    renga.awaitOk(gatewayAdmin + "/readyz", Duration.ofSeconds(90));
    renga.awaitOk(nodeAdmin + "/readyz", Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    renga.close();
    fixtures.close();
  }

  private static HttpResponse<String> call(String fixture, String requestId) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(gateway + "/observed")).header("x-haiku-handler", fixtures.url(fixture));
    if (requestId != null) {
      request.header("x-request-id", requestId);
    }
    return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The scrape at {@code url}, parsed by prometheus_client's parser: sample name to its labelled values. */
  private static JsonNode scrape(String url) throws Exception {
    var response = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
    File script = new File(ObservabilityEndToEndTest.class.getResource("/parse_metrics.py").toURI());
    Process parser = new ProcessBuilder("/usr/bin/python3", script.getPath()).redirectErrorStream(true).start();
    parser.getOutputStream().write(response.body().getBytes(StandardCharsets.UTF_8));
    parser.getOutputStream().close();
    String output = new String(parser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(parser.waitFor(30, TimeUnit.SECONDS), "the parser did not finish");
    if (output.contains("No module named 'prometheus_client'")) {
      throw new AssertionError("this test parses with the Prometheus client's parser: apt-get install python3-prometheus-client");
    }
    assertEquals(0, parser.exitValue(), "the Prometheus parser rejected the scrape: " + output);
    return json.readTree(output);
  }

  private static double value(JsonNode samples, String name, Predicate<JsonNode> labels) {
    double sum = 0;
    for (JsonNode sample : samples.path(name)) {
      if (labels.test(sample.get("labels"))) {
        sum += sample.get("value").asDouble();
      }
    }
    return sum;
  }

  @Test
  void metricsCountRequestsByStatusAndErrorOnGatewayAndNode() throws Exception {
    Predicate<JsonNode> exception = l -> l.path("error").asText().equals("exception");
    Predicate<JsonNode> nodeException = l -> l.path("outcome").asText().equals("exception");
    double gatewayExceptionsBefore = value(scrape(gatewayAdmin + "/metrics"), "renga_gateway_requests_seconds_count", exception);
    double nodeExceptionsBefore = value(scrape(nodeAdmin + "/metrics"), "renga_node_requests_seconds_count", nodeException);
    for (int i = 0; i < 5; i++) {
      assertEquals(200, call("hello.js", null).statusCode());
    }
    assertEquals(500, call("throws.js", null).statusCode());

    JsonNode gatewayMetrics = scrape(gatewayAdmin + "/metrics");
    assertTrue(
        value(gatewayMetrics, "renga_gateway_requests_seconds_count", l -> l.path("status").asText().equals("200")) >= 5);
    assertEquals(
        gatewayExceptionsBefore + 1, value(gatewayMetrics, "renga_gateway_requests_seconds_count", exception));
    assertTrue(
        value(gatewayMetrics, "renga_gateway_requests_seconds_bucket", l -> l.path("le").asText().equals("+Inf")) >= 6,
        "latency histogram");
    assertTrue(value(gatewayMetrics, "renga_gateway_routed_total", l -> true) >= 6, "per-node routing counts");
    assertTrue(gatewayMetrics.has("renga_gateway_in_flight"));
    assertTrue(gatewayMetrics.has("renga_gateway_queue_length"));
    assertTrue(gatewayMetrics.has("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(gatewayMetrics.has("jvm_gc_pause_seconds_count") || gatewayMetrics.has("jvm_gc_memory_allocated_bytes_total"));

    JsonNode nodeMetrics = scrape(nodeAdmin + "/metrics");
    assertTrue(value(nodeMetrics, "renga_node_requests_seconds_count", l -> l.path("outcome").asText().equals("ok")) >= 5);
    assertEquals(nodeExceptionsBefore + 1, value(nodeMetrics, "renga_node_requests_seconds_count", nodeException));
    assertTrue(value(nodeMetrics, "renga_node_context_creation_seconds_count", l -> true) >= 6, "context creation time");
    assertTrue(nodeMetrics.has("renga_node_dispatcher_lag_seconds"), "JS dispatcher heartbeat lag");
    assertTrue(nodeMetrics.has("renga_node_context_pool_ready"), "context pool gauge");
    double pooled = value(nodeMetrics, "renga_node_context_pool_ready", l -> true);
    assertTrue(pooled >= 0 && pooled <= 32, "contexts waiting in the pool (renga.node.context-pool = 32): " + pooled);
    assertTrue(nodeMetrics.has("renga_node_in_flight"));
    assertTrue(nodeMetrics.has("jvm_threads_live_threads"));
  }

  @Test
  void requestIdIsEchoedAndEveryRequestHasOneJsonAccessLogLine() throws Exception {
    var given = call("hello.js", "trace-me-42");
    assertEquals("trace-me-42", given.headers().firstValue("x-request-id").orElse(null));
    var generated = call("throws.js", null);
    String id = generated.headers().firstValue("x-request-id").orElseThrow();
    assertTrue(id.length() >= 16, id);

    for (String requestId : new String[] {"trace-me-42", id}) {
      renga.await(
          "the access-log line for " + requestId,
          Duration.ofSeconds(10),
          () -> accessLines(requestId).size() == 1);
    }
    JsonNode failed = accessLines(id).get(0);
    assertEquals("GET", failed.get("method").asText());
    assertEquals("/observed", failed.get("path").asText());
    assertEquals(fixtures.url("throws.js"), failed.get("handler").asText());
    assertEquals("500", failed.get("status").asText());
    assertEquals("exception", failed.get("error").asText());
    assertTrue(failed.get("node").asText().startsWith("pekko://"), failed.toString());
    assertTrue(failed.has("ms"));
    assertTrue(RengaProcesses.log("observed-node").contains(id), "the node logs the request id too");
  }

  @Test
  void adminNodesShowsTheNodeWithItsStateAndCounts() throws Exception {
    long servedBefore = renga.json(gatewayAdmin + "/admin/nodes").get("nodes").path(0).path("served").asLong();
    assertEquals(200, call("hello.js", null).statusCode());
    // Reports come every second: wait for one taken after the request ended, and check that very report.
    var report = new AtomicReference<JsonNode>();
    renga.await(
        "a node report that counts the request and shows it ended",
        Duration.ofSeconds(10),
        () -> {
          report.set(renga.json(gatewayAdmin + "/admin/nodes").get("nodes").path(0));
          return report.get().path("served").asLong() > servedBefore
              && report.get().path("inFlight").asInt() == 0
              && report.get().path("gatewayInFlight").asInt() == 0;
        });
    JsonNode node = report.get();
    assertEquals("healthy", node.get("state").asText(), node.toString());
    assertEquals("up", node.get("member").asText());
    assertTrue(node.get("routed").asBoolean());
    assertEquals(0, node.get("inFlight").asInt());
    assertEquals(0, node.get("gatewayInFlight").asInt());
    assertEquals(500, node.get("capacity").asInt(), "the node reports its renga.node.max-concurrent");
    assertTrue(node.get("heartbeatLagMs").asLong() >= 0);
    assertTrue(renga.json(gatewayAdmin + "/admin/nodes").get("gateway").get("requests").asLong() >= 1);
  }

  @Test
  void adminPageRendersTheNodesInHeadlessChromium() throws Exception {
    File chromium = new File("/usr/bin/chromium");
    if (!chromium.canExecute()) {
      throw new AssertionError("this test loads the admin page in headless Chromium: apt-get install chromium");
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(200, call("hello.js", null).statusCode());
    }
    String address = renga.json(gatewayAdmin + "/admin/nodes").get("nodes").get(0).get("address").asText();
    File screenshot = new File(System.getProperty("renga.e2e.logs", "target/e2e-logs"), "admin-page.png");
    screenshot.delete();
    List<String> common =
        List.of(
            chromium.getPath(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-dev-shm-usage", "--user-data-dir=" + java.nio.file.Files.createTempDirectory("renga-chromium"),
            "--virtual-time-budget=4000", "--window-size=1000,700");
    String dom = runChromium(common, "--dump-dom", gatewayAdmin + "/");
    assertTrue(dom.contains("<tr class=\"node\">"), dom);
    assertTrue(dom.contains(address), "node row for " + address + ": " + dom);
    assertTrue(dom.contains("class=\"healthy\""), dom);
    runChromium(common, "--screenshot=" + screenshot.getAbsolutePath(), gatewayAdmin + "/");
    assertTrue(screenshot.length() > 1000, "screenshot kept as a test artifact: " + screenshot);
  }

  private static String runChromium(List<String> common, String... more) throws Exception {
    List<String> command = new java.util.ArrayList<>(common);
    command.addAll(List.of(more));
    Process chromium = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String out = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(chromium.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
      return out;
    } finally {
      chromium.descendants().forEach(ProcessHandle::destroyForcibly);
      chromium.destroyForcibly();
    }
  }

  private static java.util.List<JsonNode> accessLines(String requestId) {
    return RengaProcesses.log("observed-gateway").lines()
        .filter(line -> line.startsWith("{"))
        .map(line -> {
          try {
            return json.readTree(line);
          } catch (java.io.IOException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
          }
        })
        .filter(line -> line.path("logger_name").asText().equals("renga.access"))
        .filter(line -> line.path("requestId").asText().equals(requestId))
        .toList();
  }
}
