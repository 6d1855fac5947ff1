package dev.renga.node.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * Serves handler fixtures (src/test/resources/handlers/*.js) on 127.0.0.1 for tests, plus a few special paths:
 * {@code /big.js} (5.5 MB of code, over the default renga.handlers.max-size), {@code /redirect/N/NAME} (N redirects, then the fixture NAME).
 */
public final class FixtureServer implements AutoCloseable {
  private final HttpServer server;
  private final String host;

  public FixtureServer() {
    this("127.0.0.1");
  }

  /** A fixture server on the given local address (e.g. a bridge that nodes in network namespaces reach). */
  public FixtureServer(String host) {
    this.host = host;
    try {
      server = HttpServer.create(new InetSocketAddress(host, 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/handlers/", this::fixture);
    server.createContext("/big.js", exchange -> send(exchange, 200, "// padding\n".repeat(500_000)));
    server.createContext("/redirect/", this::redirect);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  /** The URL of a fixture under src/test/resources/handlers. */
  public String url(String name) {
    return base() + "/handlers/" + name;
  }

  /** http://HOST:PORT */
  public String base() {
    return "http://" + host + ":" + server.getAddress().getPort();
  }

  private void fixture(HttpExchange exchange) throws IOException {
    String name = exchange.getRequestURI().getPath().substring("/handlers/".length());
    try (InputStream in = FixtureServer.class.getResourceAsStream("/handlers/" + name)) {
      if (in == null || name.contains("..")) {
        send(exchange, 404, "no such fixture\n");
      } else {
        send(exchange, 200, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  private void redirect(HttpExchange exchange) throws IOException {
    String[] parts = exchange.getRequestURI().getPath().split("/"); // "", "redirect", N, NAME
    int remaining = Integer.parseInt(parts[2]);
    String next = remaining <= 1 ? "/handlers/" + parts[3] : "/redirect/" + (remaining - 1) + "/" + parts[3];
    exchange.getResponseHeaders().add("location", next);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("content-type", "text/javascript; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
