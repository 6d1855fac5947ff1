package dev.renga.gateway.warmup;

import ch.qos.logback.classic.Level;
import com.typesafe.config.Config;
import dev.renga.core.NodeProtocol;
import dev.renga.core.WarmUpSystems;
import dev.renga.gateway.GatewaySettings;
import dev.renga.gateway.http.ExtraMethods;
import dev.renga.gateway.http.HandlerInvoker;
import dev.renga.gateway.http.Routes;
import dev.renga.gateway.routing.InFlightInvocations;
import dev.renga.gateway.routing.Invocations;
import dev.renga.gateway.routing.NodeRouter;
import dev.renga.gateway.routing.Quarantine;
import dev.renga.gateway.routing.RoutingSettings;
import dev.renga.gateway.routing.TenantShares;
import io.micrometer.core.instrument.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's warm-up before it joins the cluster: requests of the shapes it serves (GET and POST, the handler named by
 * header and by query, a streamed response, a request without a handler) through its own HTTP server, request path,
 * routing and invocation bookkeeping, over Artery to a {@link WarmUpNode} that answers as a node does, in two actor
 * systems of its own on loopback ({@link WarmUpSystems}). A fresh gateway JVM is otherwise several times slower per
 * request for its first tens of thousands of requests, while its JIT compiles Pekko HTTP and Renga's request path.
 *
 * <p>Nothing of it stays: its actor systems are terminated, its meters are removed and its access-log lines are not
 * written.
 */
public final class GatewayWarmUp {
  private static final Logger log = LoggerFactory.getLogger(GatewayWarmUp.class);
  private static final byte[] BODY = "x".repeat(512).getBytes(StandardCharsets.UTF_8);
  /** A warm-up request not answered within this is given up (the warm-up must never hang). */
  private static final Duration REQUEST_LIMIT = Duration.ofSeconds(30);

  /** What the warm-up did: requests sent, how many were not answered as expected, and how long it took. */
  public record Result(long requests, long failed, Duration took) {}

  private GatewayWarmUp() {}

  /** Runs the workload with {@code config} (the gateway's own) until its request count or its budget is reached. */
  public static Result run(Config config, WarmUpSettings settings) {
    long start = System.nanoTime();
    if (!settings.enabled()) {
      return new Result(0, 0, Duration.ZERO);
    }
    var access = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("renga.access");
    Level accessLevel = access.getLevel();
    access.setLevel(Level.OFF);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "renga-gateway-warm-up", WarmUpSystems.config(config));
    ActorSystem<NodeProtocol.Command> nodeSystem =
        ActorSystem.create(WarmUpNode.create(), "renga-gateway-warm-up-node", WarmUpSystems.config(config));
    try {
      GatewaySettings gateway = GatewaySettings.from(config);
      RoutingSettings routing = RoutingSettings.from(config);
      InFlightInvocations inFlight = new InFlightInvocations();
      NodeRouter router = new NodeRouter(gateway.queueMax(), inFlight, routing);
      router.update(List.of(WarmUpSystems.remote(nodeSystem, nodeSystem, system)));
      Quarantine quarantine =
          new Quarantine(gateway.quarantineAfterNodeLosses(), gateway.quarantineWindow(), gateway.quarantineDuration());
      var invocations =
          system.systemActorOf(
              Invocations.create(
                  new Invocations.Routing(router, inFlight, quarantine, gateway.nodeTimeout(), gateway.queueTimeout()),
                  new TenantShares(router, routing)),
              "invocations",
              Props.empty());
      Routes routes = new Routes(new HandlerInvoker(system, gateway, invocations.narrow(), quarantine));
      ServerBinding binding =
          Http.get(system)
              .newServerAt("127.0.0.1", 0)
              .withSettings(ExtraMethods.accept(ServerSettings.create(system.classicSystem())))
              .bind(routes.handler())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      try {
        return load(binding.localAddress().getPort(), settings, start);
      } finally {
        binding.unbind();
      }
    } catch (Exception e) {
      log.warn("gateway warm-up ended early: {}", e.toString());
      return new Result(0, 0, Duration.ofNanos(System.nanoTime() - start));
    } finally {
      WarmUpSystems.terminate(system);
      WarmUpSystems.terminate(nodeSystem);
      access.setLevel(accessLevel);
      Metrics.globalRegistry.clear(); // the warm-up's requests are not the gateway's: its meters start from zero
    }
  }

  private static Result load(int port, WarmUpSettings settings, long start) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + port;
    long deadline = start + settings.budget().toNanos();
    Semaphore slots = new Semaphore(settings.concurrency());
    AtomicLong failed = new AtomicLong();
    long sent = 0;
    while (sent < settings.requests() && System.nanoTime() < deadline) {
      if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      Shape shape = Shape.of(sent++);
      client
          .sendAsync(shape.request(base, sent), HttpResponse.BodyHandlers.ofByteArray())
          .whenComplete(
              (response, failure) -> {
                if (failure != null || response.statusCode() != shape.status()) {
                  failed.incrementAndGet();
                }
                slots.release();
              });
    }
    if (!slots.tryAcquire(settings.concurrency(), REQUEST_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn("gateway warm-up: some requests were not answered within {}", REQUEST_LIMIT);
    }
    client.shutdownNow();
    return new Result(sent, failed.get(), Duration.ofNanos(System.nanoTime() - start));
  }

  /** The request shapes the workload cycles through, and the status each must get. */
  private enum Shape {
    HELLO(200),
    ECHO(200),
    BY_QUERY(200),
    STREAMED(200),
    NO_HANDLER(400);

    private final int status;

    Shape(int status) {
      this.status = status;
    }

    static Shape of(long n) {
      // Mostly the common case: a GET naming its handler in the header.
      Shape[] all = values();
      return n % 2 == 0 ? HELLO : all[(int) ((n / 2) % all.length)];
    }

    int status() {
      return status;
    }

    HttpRequest request(String base, long n) {
      String handler = "http://handlers.warm-up.invalid/hello.js";
      var builder = HttpRequest.newBuilder().timeout(REQUEST_LIMIT);
      return switch (this) {
        case HELLO -> builder.uri(URI.create(base + "/hello?n=" + n)).header("x-haiku-handler", handler).GET().build();
        case ECHO ->
            builder
                .uri(URI.create(base + "/echo"))
                .header("x-haiku-handler", handler)
                .header("content-type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
                .build();
        case BY_QUERY -> builder.uri(URI.create(base + "/q?x-haiku-handler=" + handler)).GET().build();
        case STREAMED -> builder.uri(URI.create(base + "/stream")).header("x-haiku-handler", handler).GET().build();
        case NO_HANDLER -> builder.uri(URI.create(base + "/none")).GET().build();
      };
    }
  }
}
