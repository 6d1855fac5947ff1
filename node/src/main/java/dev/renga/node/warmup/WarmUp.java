package dev.renga.node.warmup;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.renga.core.Header;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.core.WarmUpSystems;
import dev.renga.node.RequestActor;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standby node's warm-up workload: requests of the shapes Renga serves, run through the very {@link RequestActor}
 * code a served request uses (handler fetch and cache, a fresh context, runtime.js, req/res, timers, promises), sent
 * over Artery from a second actor system as a gateway sends them ({@link WarmUpSystems}), against handlers served
 * from this JVM on loopback. It runs in rounds until the
 * compilers have settled (for a few rounds in a row they used only a small share of the process's CPU), the budget is
 * spent, or the JVM is promoted, so that a promoted JVM serves with GraalJS's Java code and the hot JavaScript
 * already compiled.
 *
 * <p>Why compile activity rather than the cost per request: that cost falls in steps, with plateaus of 30-40 s while
 * the compilers work through their queues (measured on 2 cores: 12 ms per request after 37 s, 4-6 ms for the next
 * 40 s, under 1 ms after 150 s); a rule that waits for the cost to stop falling stopped at the first plateau.
 */
public final class WarmUp {
  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
  private static final List<String> HANDLERS = List.of("hello.js", "echo.js", "json.js", "compute.js");
  private static final byte[] ECHO_BODY = "x".repeat(512).getBytes(StandardCharsets.UTF_8);
  private static final byte[] JSON_BODY = "{\"items\":[1,2,3,4,5,6,7,8,9,10]}".getBytes(StandardCharsets.UTF_8);
  /** A warm-up request that does not answer within this is counted as done: the warm-up must never hang. */
  private static final Duration REQUEST_LIMIT = Duration.ofSeconds(70);

  /**
   * What a warm-up reached.
   *
   * @param took wall-clock time of the workload
   * @param requests requests run
   * @param requestCpu process CPU time per request in the last round (compiler threads included)
   * @param failed requests not answered 200 (a warm-up handler that fails would warm the wrong path)
   * @param ended why it ended: levelled (the compilers settled), budget, promoted, off or failed
   */
  public record Result(Duration took, long requests, Duration requestCpu, long failed, String ended) {
    public static final Result NONE = new Result(Duration.ZERO, 0, Duration.ZERO, 0, "off");
  }

  private WarmUp() {}

  /**
   * Runs the workload on {@code engine} until the compilers settle, the budget is spent or {@code promoted} says so;
   * while {@code throttled} says so (a standby beside a serving node), at most {@code standby-cpu} of a core on average.
   */
  public static Result run(
      JsEngine engine, Config config, WarmUpSettings settings, BooleanSupplier promoted, BooleanSupplier throttled) {
    if (!settings.enabled()) {
      return Result.NONE;
    }
    if (promoted.getAsBoolean()) {
      return new Result(Duration.ZERO, 0, Duration.ZERO, 0, "promoted"); // a replacement needed at once
    }
    long start = System.nanoTime();
    HttpServer handlers;
    try {
      handlers = handlerServer();
    } catch (IOException e) {
      log.warn("warm-up skipped: cannot serve its handlers on loopback: {}", e.toString());
      return new Result(Duration.ZERO, 0, Duration.ZERO, 0, "failed");
    }
    // Remoting on loopback (no cluster, never exits the JVM), and allowed to fetch its handlers from loopback.
    Config local =
        WarmUpSystems.config(config)
            .withValue("renga.sandbox.network.allow-private", ConfigValueFactory.fromAnyRef(true))
            // A cold JVM's first requests are slow (that is why it warms up): they must finish, not time out.
            .withValue("renga.sandbox.request-timeout", ConfigValueFactory.fromAnyRef("60s"))
            .withValue("renga.handlers.allow", ConfigValueFactory.fromIterable(List.of("*")));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "renga-warm-up", local);
    ActorSystem<Void> gateway = ActorSystem.create(Behaviors.empty(), "renga-warm-up-gateway", local);
    try {
      var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
      Sandbox sandbox =
          new Sandbox(
              engine,
              new HandlerFetcher(HandlerSettings.from(local), system),
              SandboxSettings.from(local),
              new RunningTurns(),
              blocking);
      ActorRef<NodeProtocol.Command> node =
          WarmUpSystems.remote(system, system.systemActorOf(WarmUpGuardian.create(sandbox), "node", Props.empty()), gateway);
      String base = "http://127.0.0.1:" + handlers.getAddress().getPort() + "/";
      return rounds(gateway, node, base, settings, promoted, throttled, start);
    } catch (RuntimeException e) {
      log.warn("warm-up ended early", e);
      return new Result(Duration.ofNanos(System.nanoTime() - start), 0, Duration.ZERO, 0, "failed");
    } finally {
      WarmUpSystems.terminate(gateway);
      WarmUpSystems.terminate(system);
      handlers.stop(0);
    }
  }


  private static Result rounds(
      ActorSystem<Void> gateway,
      ActorRef<NodeProtocol.Command> node,
      String base,
      WarmUpSettings settings,
      BooleanSupplier promoted,
      BooleanSupplier throttled,
      long start) {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    CompilerSettling compilers = new CompilerSettling(settings);
    long cpuAtStart = os.getProcessCpuTime();
    Semaphore slots = new Semaphore(settings.concurrency());
    AtomicLong failed = new AtomicLong();
    long requests = 0;
    double last = 0;
    while (true) {
      long cpuBefore = os.getProcessCpuTime();
      long roundEnd = System.nanoTime() + settings.round().toNanos();
      long done = 0;
      while (System.nanoTime() < roundEnd) {
        if (promoted.getAsBoolean()) {
          return result(start, requests, last, failed, "promoted");
        }
        if (System.nanoTime() > deadline(settings, throttled, start)) {
          return result(start, requests, last, failed, "budget");
        }
        if (!acquire(slots)) {
          continue; // a slot did not free in time: check promotion and the budget again
        }
        send(gateway, node, invocation(base, requests), requests++, slots, failed);
        done++;
      }
      if (!acquireAll(slots, settings.concurrency())) {
        return result(start, requests, last, failed, "failed");
      }
      slots.release(settings.concurrency());
      // A standby keeps to its share of a core on average (its compilers go on working meanwhile, and count).
      while (throttled.getAsBoolean()
          && (os.getProcessCpuTime() - cpuAtStart) / settings.standbyCpu() > System.nanoTime() - start) {
        if (promoted.getAsBoolean()) {
          return result(start, requests, last, failed, "promoted");
        }
        pause();
      }
      last = done > 0 ? (os.getProcessCpuTime() - cpuBefore) / (double) done : last;
      boolean settled = compilers.endRound();
      log.debug(
          "warm-up round: {} requests, {} us of CPU each, {}% of the CPU compiling",
          done, (long) (last / 1000), Math.round(compilers.lastShare() * 100));
      if (settled) {
        return result(start, requests, last, failed, "levelled");
      }
    }
  }

  /** The budget is wall-clock time at full speed; a throttled standby gets it stretched by its share of a core. */
  private static long deadline(WarmUpSettings settings, BooleanSupplier throttled, long start) {
    double stretch = throttled.getAsBoolean() ? 1 / settings.standbyCpu() : 1;
    return start + (long) (settings.budget().toNanos() * stretch);
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Result result(long start, long requests, double requestCpuNanos, AtomicLong failed, String ended) {
    return new Result(
        Duration.ofNanos(System.nanoTime() - start), requests, Duration.ofNanos((long) requestCpuNanos), failed.get(), ended);
  }

  private static boolean acquire(Semaphore slots) {
    try {
      return slots.tryAcquire(100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean acquireAll(Semaphore slots, int permits) {
    try {
      return slots.tryAcquire(permits, REQUEST_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Sends one invocation to the node side, as a gateway does; its slot frees with the last reply (every warm-up
   * handler answers at once).
   */
  private static void send(
      ActorSystem<Void> gateway,
      ActorRef<NodeProtocol.Command> node,
      Invocation invocation,
      long id,
      Semaphore slots,
      AtomicLong failed) {
    ActorRef<NodeProtocol.Replied> replies =
        gateway.systemActorOf(
            Behaviors.receive(NodeProtocol.Replied.class)
                .onMessage(NodeProtocol.Replied.class, replied -> {
                  NodeProtocol.Reply reply = replied.reply();
                  boolean last = switch (reply) {
                    case NodeProtocol.Accepted a -> false;
                    case NodeProtocol.Head head -> head.status() != 200 && fail(failed, invocation, reply);
                    case NodeProtocol.Chunk c -> false;
                    case NodeProtocol.Ended e -> true;
                    case NodeProtocol.Completed done -> done.status() != 200 ? fail(failed, invocation, reply) : true;
                    default -> fail(failed, invocation, reply);
                  };
                  if (!last) {
                    return Behaviors.same();
                  }
                  slots.release();
                  return Behaviors.stopped();
                })
                .build(),
            "reply-" + id,
            Props.empty());
    node.tell(new NodeProtocol.Invoke(invocation, id, replies));
  }

  /** Counts a warm-up request not answered 200 (a warm-up handler that fails would warm the wrong path); true. */
  private static boolean fail(AtomicLong failed, Invocation invocation, NodeProtocol.Reply reply) {
    failed.incrementAndGet();
    log.warn("warm-up request {} ({}) answered {}", invocation.requestId(), invocation.handlerUrl(), reply);
    return true;
  }

  private static Invocation invocation(String base, long n) {
    String handler = HANDLERS.get((int) (n % HANDLERS.size()));
    List<Header> headers = List.of(new Header("host", "warm-up"), new Header("user-agent", "renga-warm-up"));
    return switch (handler) {
      case "echo.js" -> new Invocation("warm-up-" + n, base + handler, "POST", "/echo?i=" + n, "1.1",
          List.of(new Header("content-type", "application/octet-stream"), new Header("content-length", "512")), ECHO_BODY);
      case "json.js" -> new Invocation("warm-up-" + n, base + handler, "POST", "/json?i=" + n, "1.1",
          List.of(new Header("content-type", "application/json"), new Header("user-agent", "renga-warm-up")), JSON_BODY);
      default -> new Invocation("warm-up-" + n, base + handler, "GET", "/" + handler + "?i=" + n, "1.1", headers, new byte[0]);
    };
  }

  /** The warm-up handlers (resources beside this class), cacheable for an hour like a well-served handler. */
  private static HttpServer handlerServer() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/",
        exchange -> {
          String name = exchange.getRequestURI().getPath().substring(1);
          try (exchange; InputStream in = HANDLERS.contains(name) ? WarmUp.class.getResourceAsStream(name) : null) {
            if (in == null) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            byte[] code = in.readAllBytes();
            exchange.getResponseHeaders().add("content-type", "application/javascript");
            exchange.getResponseHeaders().add("cache-control", "max-age=3600");
            exchange.sendResponseHeaders(200, code.length);
            exchange.getResponseBody().write(code);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    server.start();
    return server;
  }
}
