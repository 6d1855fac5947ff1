package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.renga.e2e.servers.InMemoryMongo;
import dev.renga.e2e.servers.NpmPackages;
import dev.renga.e2e.servers.PostgresServer;
import dev.renga.e2e.servers.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * npm packages in handlers against real servers, through a real gateway and node (one JVM pair for the class):
 * unmodified {@code pg} (SCRAM-SHA-256, TLS after SSLRequest with a test CA) on PostgreSQL, {@code ioredis} on Redis,
 * the {@code mongodb} driver on an in-memory MongoDB wire-protocol server, {@code axios} and {@code request} on a
 * local HTTP server; each as an esbuild bundle (src-test/npm/handlers, bundled by {@link NpmPackages}), and some
 * unbundled from the node's package directory (renga.handlers.packages). Servers start once for the class and stop
 * even when tests fail.
 */
class NpmPackagesEndToEndTest {
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient client = HttpClient.newHttpClient();
  private static final RengaProcesses renga = new RengaProcesses();
  private static HttpServer files;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static InMemoryMongo mongo;
  private static String gateway;
  private static Path tenants;

  @BeforeAll
  static void start() throws IOException {
    NpmPackages.prepare();
    files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    files.createContext("/bundles/", exchange -> serveFile(exchange, NpmPackages.bundle(name(exchange, "/bundles/"))));
    files.createContext("/entries/", exchange -> serveFile(exchange, NpmPackages.entry(name(exchange, "/entries/"))));
    files.createContext("/api/", NpmPackagesEndToEndTest::api);
    files.createContext("/samples/todo.js", NpmPackagesEndToEndTest::todoSample);
    files.start();
    Path target = Path.of("target").toAbsolutePath();
    postgres = new PostgresServer(target);
    redis = new RedisServer(target.resolve("e2e-logs"));
    mongo = new InMemoryMongo();
    // databases.js reads its connection strings from its tenant's env, as docs/HANDLERS.md shows.
    tenants = target.resolve("npm-tenants-" + ProcessHandle.current().pid() + ".conf");
    Files.writeString(tenants, databasesTenant());
    // A first request parses a bundle of up to 1.6 MB on a loaded machine: the gateway waits as long as the node may run.
    var started = renga.seedGateway(
        "npm-gateway", Map.of("renga.gateway.node-timeout", "45s", "renga.tenants-file", tenants.toString()));
    renga.node(
        "npm-node",
        started.seeds(),
        Map.of(
            "renga.handlers.packages", NpmPackages.directory().toString(),
            "renga.tenants-file", tenants.toString(),
            // A bundled driver is parsed and its modules evaluated in every request: generous limits under load.
            "renga.sandbox.request-timeout", "30s",
            "renga.sandbox.cpu-limit", "20s"));
    gateway = started.url();
    renga.awaitRouted(started, 1);
  }

  @AfterAll
  static void stop() {
    try {
      renga.close();
    } finally {
      try {
        if (postgres != null) postgres.close();
      } finally {
        try {
          if (redis != null) redis.close();
        } finally {
          if (mongo != null) mongo.close();
          if (files != null) files.stop(0);
          try {
            if (tenants != null) Files.deleteIfExists(tenants);
          } catch (IOException e) {
            // left in target/, which the next clean removes
          }
        }
      }
    }
  }

  /** The tenant of databases.js, bundled and unbundled: the three servers' connection strings in its env. */
  private static String databasesTenant() {
    String pg = "postgres://" + PostgresServer.USER + ":" + postgres.password() + "@127.0.0.1:" + postgres.port() + "/"
        + PostgresServer.DATABASE;
    return String.join("\n",
        "databases {",
        "  match = [\"" + base() + "/bundles/databases.js\", \"" + base() + "/entries/databases.js\"]",
        "  env {",
        "    DATABASE_URL = \"" + pg + "\"",
        "    REDIS_URL = \"redis://127.0.0.1:" + redis.port() + "\"",
        "    MONGODB_URL = \"mongodb://127.0.0.1:" + mongo.port() + "/?directConnection=true\"",
        "  }",
        "}",
        "");
  }

  private static String name(HttpExchange exchange, String prefix) {
    String name = exchange.getRequestURI().getPath().substring(prefix.length());
    return name.contains("/") || name.contains("..") ? "missing" : name;
  }

  private static void serveFile(HttpExchange exchange, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      send(exchange, 404, "text/plain", "no such file\n".getBytes(StandardCharsets.UTF_8), false);
    } else {
      send(exchange, 200, "application/javascript", Files.readAllBytes(file), false);
    }
  }

  /** samples/todo.js as shipped, but for its default DATABASE_URL, which names this test's server. */
  private static void todoSample(HttpExchange exchange) throws IOException {
    String sample = Files.readString(Path.of("..", "samples", "todo.js"));
    String url = "postgres://" + PostgresServer.USER + ":" + postgres.password() + "@127.0.0.1:" + postgres.port() + "/"
        + PostgresServer.DATABASE;
    String served = sample.replace("'postgres://renga:renga@127.0.0.1:5432/renga'", "'" + url + "'");
    send(exchange, 200, "application/javascript", served.getBytes(StandardCharsets.UTF_8), false);
  }

  /** The local HTTP server axios and request talk to: /api/json, /api/echo, /api/gzip, anything else 404. */
  private static void api(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    switch (path) {
      case "/api/json" -> {
        ObjectNode answer = json.createObjectNode();
        answer.put("query", exchange.getRequestURI().getQuery());
        answer.put("from", exchange.getRequestHeaders().getFirst("x-from"));
        send(exchange, 200, "application/json", json.writeValueAsBytes(answer), false);
      }
      case "/api/echo" -> {
        ObjectNode answer = json.createObjectNode();
        answer.put("method", exchange.getRequestMethod());
        answer.put("contentType", exchange.getRequestHeaders().getFirst("content-type"));
        answer.set("body", json.readTree(exchange.getRequestBody().readAllBytes()));
        send(exchange, 200, "application/json", json.writeValueAsBytes(answer), false);
      }
      case "/api/gzip" -> send(exchange, 200, "application/json", "{\"compressed\":true}".getBytes(StandardCharsets.UTF_8), true);
      default -> send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8), false);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean gzip) throws IOException {
    exchange.getRequestBody().readAllBytes();
    byte[] bytes = body;
    if (gzip) {
      var out = new ByteArrayOutputStream();
      try (var zip = new GZIPOutputStream(out)) {
        zip.write(body);
      }
      bytes = out.toByteArray();
      exchange.getResponseHeaders().set("content-encoding", "gzip");
    }
    exchange.getResponseHeaders().set("content-type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String base() {
    return "http://127.0.0.1:" + files.getAddress().getPort();
  }

  /** Runs the handler at {@code path} (on the file server) through the gateway with a JSON body. */
  private static HttpResponse<String> call(String path, Object body, Map<String, String> headers) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + "/run?a=1&b%5Bc%5D=2"))
            .header("x-haiku-handler", base() + path)
            .header("content-type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode ok(HttpResponse<String> response) throws IOException {
    assertEquals(200, response.statusCode(), response.headers().map() + "\n" + response.body());
    return json.readTree(response.body());
  }

  private static Map<String, Object> pgOptions(String text) {
    return Map.of(
        "port", postgres.port(), "user", PostgresServer.USER, "password", postgres.password(),
        "database", PostgresServer.DATABASE, "ca", postgres.caPem(), "text", text);
  }

  @Test
  void pureJavaScriptPackagesRunBundledWithEsbuildAndUnbundledFromThePackageDirectory() throws Exception {
    for (String path : new String[] {"/bundles/pure.js", "/entries/pure.js"}) {
      JsonNode r = ok(call(path, Map.of(), Map.of()));
      assertEquals("1", r.get("query").get("a").asText(), path + ": " + r);
      assertEquals("2", r.get("query").get("b").get("c").asText(), path + ": " + r);
      assertEquals("image/png", r.get("type").asText(), path + ": " + r);
      assertTrue(r.get("id").asText().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), r.toString());
    }
  }

  @Test
  void pgWritesAndReadsRealRowsOverScramAndStartTls() throws Exception {
    String first = "bundled " + UUID.randomUUID();
    JsonNode bundled = ok(call("/bundles/pg.js", pgOptions(first), Map.of()));
    assertTrue(bundled.get("ssl").get("ssl").asBoolean(), "the session is encrypted: " + bundled);
    assertTrue(bundled.get("ssl").get("version").asText().startsWith("TLS"), bundled.toString());
    // The row is in the real database, seen from outside Renga.
    assertEquals(first, postgres.sql("SELECT text FROM notes WHERE id = " + bundled.get("id").asInt()));
    // The same handler unbundled, `pg` resolved in the package directory, sees the first request's row.
    String second = "unbundled " + UUID.randomUUID();
    JsonNode unbundled = ok(call("/entries/pg.js", pgOptions(second), Map.of()));
    assertTrue(unbundled.get("notes").toString().contains(first), unbundled.toString());
    assertTrue(unbundled.get("notes").toString().contains(second), unbundled.toString());
    assertEquals(second, postgres.sql("SELECT text FROM notes WHERE id = " + unbundled.get("id").asInt()));
  }

  @Test
  void theTodoSampleKeepsItsDataInPostgres() throws Exception {
    var created = todo("POST", "/todos", "{\"title\": \"buy milk\"}");
    assertEquals(201, created.statusCode(), created.body());
    int id = json.readTree(created.body()).get("id").asInt();
    var listed = todo("GET", "/todos", null);
    assertEquals(200, listed.statusCode(), listed.body());
    assertTrue(listed.body().contains("\"buy milk\""), listed.body());
    var done = todo("POST", "/todos/" + id + "/done", null);
    assertTrue(json.readTree(done.body()).get("done").asBoolean(), done.body());
    assertEquals("t", postgres.sql("SELECT done FROM todos WHERE id = " + id));
    assertEquals(400, todo("POST", "/todos", "{\"nothing\": 1}").statusCode());
    assertEquals(204, todo("DELETE", "/todos/" + id, null).statusCode());
    assertEquals(404, todo("DELETE", "/todos/" + id, null).statusCode());
    assertEquals("0", postgres.sql("SELECT count(*) FROM todos WHERE id = " + id));
  }

  private static HttpResponse<String> todo(String method, String path, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + path))
            .header("x-haiku-handler", base() + "/samples/todo.js")
            .timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ioredisCountsInRealRedis() throws Exception {
    String key = "calls:" + UUID.randomUUID();
    for (int call = 1; call <= 3; call++) {
      JsonNode r = ok(call("/bundles/redis.js", Map.of("port", redis.port(), "key", key), Map.of("x-note", "call " + call)));
      assertEquals(call, r.get("count").asInt(), r.toString());
      assertEquals("call " + call, r.get("last").asText());
      assertEquals("string", r.get("type").asText());
    }
    assertEquals("3", redis.command("GET " + key));
    assertEquals("call 3", redis.command("GET " + key + ":last"));
  }

  @Test
  void pgIoredisAndMongodbInOneHandlerBundledAndFromThePackageDirectory() throws Exception {
    int visit = 0;
    for (String path : new String[] {"/bundles/databases.js", "/entries/databases.js"}) {
      visit++;
      JsonNode r = ok(call(path, Map.of(), Map.of()));
      assertEquals(visit, r.get("redis").asInt(), path + ": " + r);
      assertEquals(visit, r.get("mongo").asInt(), path + ": " + r);
      assertEquals(Integer.toString(visit), postgres.sql("SELECT count(*) FROM visits"), path + ": " + r);
    }
    assertEquals("2", redis.command("GET visits"));
  }

  @Test
  void mongodbDriverInsertsUpdatesAndFindsDocuments() throws Exception {
    ok(call("/bundles/mongo.js", Map.of("port", mongo.port(), "name", "first"), Map.of()));
    JsonNode r = ok(call("/bundles/mongo.js", Map.of("port", mongo.port(), "name", "second"), Map.of()));
    assertEquals(2, r.get("count").asInt(), r.toString());
    assertEquals("[{\"name\":\"first\",\"done\":true},{\"name\":\"second\",\"done\":false}]", r.get("all").toString());
  }

  @Test
  void axiosAndRequestTalkToALocalHttpServerWithTheirHeadersAndGzipBodies() throws Exception {
    JsonNode r = ok(call("/bundles/http-clients.js", Map.of("base", base() + "/api"), Map.of()));
    assertEquals("{\"query\":\"x=1\",\"from\":\"axios\"}", r.get("got").toString());
    assertEquals("POST", r.get("posted").get("method").asText(), r.toString());
    assertTrue(r.get("posted").get("contentType").asText().startsWith("application/json"), r.toString());
    assertEquals("{\"hello\":\"world\"}", r.get("posted").get("body").toString());
    assertEquals(404, r.get("notFound").asInt(), r.toString());
    assertEquals(200, r.get("requested").get("status").asInt(), r.toString());
    assertEquals("x=2", r.get("requested").get("body").get("query").asText(), r.toString());
    // request's own headers reach the server (it passes options with an href beside them).
    assertEquals("request", r.get("requested").get("body").get("from").asText(), r.toString());
    // Both decode a gzip body: axios through its Node http adapter (zlib.createUnzip in a stream pipeline), request
    // with gzip: true.
    assertEquals("{\"compressed\":true}", r.get("gzipped").toString());
    assertEquals("{\"compressed\":true}", r.get("requestedGzip").get("body").toString());
  }

  @Test
  void connectsThatFailGiveTheDriverNodesErrorCodes() throws Exception {
    JsonNode r = ok(call("/bundles/connect-errors.js", Map.of("closedPort", RengaProcesses.freePort()), Map.of()));
    assertTrue(r.get("closed").asText().startsWith("ECONNREFUSED"), r.toString());
    assertTrue(r.get("unresolvable").asText().startsWith("ENOTFOUND"), r.toString());
    assertTrue(r.get("policy").asText().contains("policy"), r.toString());
  }

  @Test
  void aSocketLeftOpenIsClosedWhenItsRequestEnds() throws Exception {
    int before = redis.connectedClients();
    JsonNode r = ok(call("/bundles/redis.js", Map.of("port", redis.port(), "key", "open:" + UUID.randomUUID()),
        Map.of("x-leave-open", "yes")));
    assertEquals(1, r.get("count").asInt(), r.toString());
    renga.await("Redis sees the handler's connection closed", Duration.ofSeconds(20), () -> redis.connectedClients() <= before);
  }
}
