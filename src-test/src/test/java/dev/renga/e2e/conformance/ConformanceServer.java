package dev.renga.e2e.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The conformance suites' own static server on 127.0.0.1: handler fixtures from the test class path under
 * {@code /conformance/}, an upstream for handlers' outbound requests under {@code /upstream/}, and generated handlers
 * under {@code /generated/}.
 */
final class ConformanceServer implements AutoCloseable {
  private final HttpServer server;

  ConformanceServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/conformance/", this::fixture);
    server.createContext("/upstream/text", exchange -> send(exchange, 200, "text/plain", "upstream says hi"));
    server.createContext("/upstream/echo", this::echo);
    // /generated/big.js?bytes=N: a valid handler of exactly N bytes (comment padding, then it answers "big").
    server.createContext("/generated/big.js", this::big);
    server.setExecutor(Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("conformance-server-", 0).factory()));
    server.start();
  }

  /** http://127.0.0.1:PORT */
  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The URL of a fixture, relative to src/test/resources/conformance. */
  String fixtureUrl(String relative) {
    return base() + "/conformance/" + relative;
  }

  private void fixture(HttpExchange exchange) throws IOException {
    String name = exchange.getRequestURI().getPath();
    try (InputStream in = name.contains("..") ? null : ConformanceServer.class.getResourceAsStream(name)) {
      if (in == null) {
        send(exchange, 404, "text/plain", "no such fixture: " + name + "\n");
      } else {
        String type = name.endsWith(".json") ? "application/json" : "text/javascript; charset=utf-8";
        send(exchange, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  private void echo(HttpExchange exchange) throws IOException {
    Map<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(", ", values)));
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String json =
        "{\"method\":" + quote(exchange.getRequestMethod())
            + ",\"path\":" + quote(exchange.getRequestURI().toString())
            + ",\"test\":" + quote(headers.getOrDefault("x-test", ""))
            + ",\"contentType\":" + quote(headers.getOrDefault("content-type", ""))
            + ",\"body\":" + quote(body) + "}";
    exchange.getResponseHeaders().add("x-upstream", "echo");
    send(exchange, 200, "application/json", json);
  }

  private void big(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    int bytes = Integer.parseInt(query.substring("bytes=".length()));
    String tail = "res.end('big');\n";
    StringBuilder code = new StringBuilder(bytes);
    while (code.length() + tail.length() < bytes) {
      int line = Math.min(80, bytes - tail.length() - code.length());
      code.append(line == 1 ? "\n" : "//" + "x".repeat(Math.max(0, line - 3)) + "\n");
    }
    send(exchange, 200, "text/javascript", code.append(tail).toString());
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("content-type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
