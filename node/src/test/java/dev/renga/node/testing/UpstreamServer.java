package dev.renga.node.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An upstream for handlers' outbound requests, on 127.0.0.1: {@code /text}, {@code /json}, {@code /bytes} (0..255),
 * {@code /echo} (method, path, headers and base64 body as JSON), {@code /redirect/N} (N redirects, then /text),
 * {@code /redirect-to?url=U}, {@code /big?size=N}, {@code /slow?ms=N}, {@code /status/N} and {@code /hold} (answers
 * once {@link #release} is called). It counts every request it gets.
 */
public final class UpstreamServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicReference<CompletableFuture<Void>> held = new AtomicReference<>(new CompletableFuture<>());
  private final AtomicReference<CountDownLatch> release = new AtomicReference<>(new CountDownLatch(1));

  public UpstreamServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** http://127.0.0.1:PORT */
  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests received so far. */
  public int hits() {
    return hits.get();
  }

  /** Completes when a request reaches /hold. */
  public CompletableFuture<Void> held() {
    return held.get();
  }

  /** Lets every held request answer, and arms /hold again. */
  public void release() {
    held.set(new CompletableFuture<>());
    release.getAndSet(new CountDownLatch(1)).countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    hits.incrementAndGet();
    String path = exchange.getRequestURI().getPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    byte[] body = exchange.getRequestBody().readAllBytes();
    try {
      if (path.equals("/text")) {
        send(exchange, 200, "text/plain; charset=utf-8", "hello from upstream".getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("/json")) {
        send(exchange, 200, "application/json", "{\"a\":1,\"list\":[1,2,3],\"s\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("/bytes")) {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) i;
        }
        send(exchange, 200, "application/octet-stream", bytes);
      } else if (path.equals("/echo")) {
        send(exchange, 200, "application/json", echo(exchange, body).getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/redirect/")) {
        int remaining = Integer.parseInt(path.substring("/redirect/".length()));
        redirect(exchange, 302, remaining <= 1 ? "/text" : "/redirect/" + (remaining - 1));
      } else if (path.equals("/redirect-to")) {
        redirect(exchange, Integer.parseInt(query.getOrDefault("status", "302")), query.get("url"));
      } else if (path.equals("/big")) {
        send(exchange, 200, "application/octet-stream", new byte[Integer.parseInt(query.get("size"))]);
      } else if (path.equals("/slow")) {
        Thread.sleep(Long.parseLong(query.get("ms")));
        send(exchange, 200, "text/plain", "slow done".getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/status/")) {
        int status = Integer.parseInt(path.substring("/status/".length()));
        send(exchange, status, "text/plain", ("status " + status).getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/samples/") && !path.contains("..")) {
        java.nio.file.Path file = java.nio.file.Path.of("..", path.substring(1));
        send(exchange, 200, "text/javascript", java.nio.file.Files.readAllBytes(file));
      } else if (path.equals("/hold")) {
        CountDownLatch latch = release.get();
        held.get().complete(null);
        latch.await(30, TimeUnit.SECONDS);
        send(exchange, 200, "text/plain", "released".getBytes(StandardCharsets.UTF_8));
      } else {
        send(exchange, 404, "text/plain", "no such path".getBytes(StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client went away (an aborted request): nothing to answer.
    }
  }

  private static String echo(HttpExchange exchange, byte[] body) {
    Map<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(", ", values)));
    StringBuilder json = new StringBuilder("{\"method\":\"").append(exchange.getRequestMethod()).append("\",");
    json.append("\"path\":\"").append(exchange.getRequestURI().getRawPath());
    if (exchange.getRequestURI().getRawQuery() != null) {
      json.append('?').append(exchange.getRequestURI().getRawQuery());
    }
    json.append("\",\"headers\":{");
    String separator = "";
    for (var entry : headers.entrySet()) {
      json.append(separator).append('"').append(entry.getKey()).append("\":\"")
          .append(entry.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      separator = ",";
    }
    json.append("},\"body\":\"").append(Base64.getEncoder().encodeToString(body)).append("\"}");
    return json.toString();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new TreeMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return query;
  }

  private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
    exchange.getResponseHeaders().add("location", location);
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("content-type", type);
    exchange.getResponseHeaders().add("x-upstream", "yes");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  @Override
  public void close() {
    release.get().countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
