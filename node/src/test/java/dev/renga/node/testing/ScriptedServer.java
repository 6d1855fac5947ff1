package dev.renga.node.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 whose answers tests script per path, counting the requests each path gets and keeping
 * their headers, so tests can see exactly what a client sent (conditional headers) and how often.
 */
public final class ScriptedServer implements AutoCloseable {
  /** One scripted answer; {@code body} null means no body (e.g. 304). */
  public record Answer(int status, Map<String, String> headers, String body) {
    public static Answer ok(String body, Map<String, String> headers) {
      return new Answer(200, headers, body);
    }
  }

  /** Decides an answer from the request's headers. */
  public interface Script {
    Answer answer(Headers requestHeaders);
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final List<Headers> requests = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  public ScriptedServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::serve);
    server.setExecutor(executor);
    server.start();
  }

  /** Answers GET {@code path} with whatever the script says. */
  public ScriptedServer on(String path, Script script) {
    scripts.put(path, script);
    return this;
  }

  /** Answers GET {@code path} always the same way. */
  public ScriptedServer on(String path, Answer answer) {
    return on(path, headers -> answer);
  }

  /** Holds every answer until the gate opens (so concurrent requests surely overlap). */
  public void holdAnswersUntil(CountDownLatch gate) {
    this.gate = gate;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Requests {@code path} has had so far. */
  public int hits(String path) {
    AtomicInteger count = hits.get(path);
    return count == null ? 0 : count.get();
  }

  /** The headers of the last request to any path. */
  public Headers lastRequest() {
    return requests.getLast();
  }

  private void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    requests.add(exchange.getRequestHeaders());
    try {
      gate.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Script script = scripts.get(path);
    Answer answer = script == null ? new Answer(404, Map.of(), "no such path\n") : script.answer(exchange.getRequestHeaders());
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    if (answer.body() == null) {
      exchange.sendResponseHeaders(answer.status(), -1);
    } else {
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
