package dev.renga.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.renga.core.NodeProtocol;
import dev.renga.core.ParentProcess;
import dev.renga.core.RengaConfig;
import dev.renga.core.RengaMetrics;
import dev.renga.core.tenants.Tenants;
import dev.renga.core.tenants.TenantsReloader;
import dev.renga.core.tenants.TenantsSource;
import dev.renga.node.fetch.HandlerCache;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.launcher.LauncherLink;
import dev.renga.core.tenants.HangUps;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import dev.renga.node.tenants.NodeTenants;
import dev.renga.node.tenants.TenantSettings;
import dev.renga.node.warmup.CompilerSettling;
import dev.renga.node.warmup.WarmUp;
import dev.renga.node.warmup.WarmUpSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node JVM: warms the engine, then joins the cluster with role "node".
 *
 * <p>Under its launcher a node starts as a standby: it warms its engine, runs a warm-up workload ({@link WarmUp})
 * until the launcher's word on standard input (or until its cost levels off), then starts its actor system and joins,
 * so a replacement is ready, and warm, the moment its predecessor needs one. The launcher's first node has no
 * predecessor to wait for it: its word ({@link #WARM_FIRST}) lets the workload run to its end before the node joins, so
 * no cold JVM serves even the first request.
 */
public final class NodeMain {
  private static final Logger log = LoggerFactory.getLogger(NodeMain.class);

  /** System property the launcher sets: warm up, then wait for a line on standard input before joining. */
  public static final String STANDBY_PROPERTY = "renga.node.standby";
  /** The launcher's word to a standby that should finish its warm-up workload before it joins (any other: at once). */
  public static final String WARM_FIRST = "warm-first";

  private NodeMain() {}

  public static void main(String[] args) throws IOException {
    exitOnOutOfMemoryOutsideHandlers();
    Optional<LauncherLink> launcher = LauncherLink.ofThisJvm();
    // From now on a SIGHUP (its launcher forwards them) reloads the tenants, even while this JVM starts or stands by.
    if (HangUps.catchEarly()) {
      launcher.ifPresent(LauncherLink::hangUpsCaught);
    }
    Config config = RengaConfig.load("node");
    if (launcher.isPresent()) {
      // The launcher's role lets the node it replaces recognise this JVM among the cluster's members.
      config =
          config.withValue(
              "pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of("node", launcher.get().role())));
    }
    NodeSettings settings = NodeSettings.from(config);
    TenantsSource tenantsSource = TenantsSource.from(config);
    Tenants<TenantSettings> tenants;
    try {
      tenants = TenantsReloader.load(tenantsSource, NodeTenants.parser(config));
    } catch (RuntimeException e) {
      // No tenants in force yet to fall back on: a node without its tenants' secrets and limits must not serve.
      log.error("cannot start: the tenants do not load: {}", e.getMessage());
      System.exit(78);
      return;
    }
    JsEngine engine = warmEngine(settings, SandboxSettings.from(config));
    WarmUpSettings warmUpSettings = WarmUpSettings.from(config);
    WarmUp.Result warmUp = WarmUp.Result.NONE;
    if (Boolean.getBoolean(STANDBY_PROPERTY)) {
      CompletableFuture<String> promotion = promotion();
      warmUp =
          WarmUp.run(
              engine,
              config,
              warmUpSettings,
              () -> promotion.isDone() && !WARM_FIRST.equals(promotion.getNow(null)),
              () -> !WARM_FIRST.equals(promotion.getNow(null)));
      if (!warmUp.ended().equals("off")) {
        log.info(
            "warm-up workload: {} requests ({} not answered 200) in {} ms, {} us of CPU per request in the last round ({})",
            warmUp.requests(), warmUp.failed(), warmUp.took().toMillis(), warmUp.requestCpu().toNanos() / 1000,
            warmUp.ended());
      }
      if (!promotion.isDone()) {
        log.info("standing by with a warm engine until the launcher promotes this JVM");
      }
      if (promotion.join() == null) {
        log.info("the launcher is gone; a standby has nothing to finish");
        System.exit(0);
      }
      log.info("promoted: joining the cluster");
    }
    // The launcher starts the next standby once this JVM's compilers have settled under its own traffic, or once its
    // request quota is less than a warm-up budget away at the rate it serves (a short quota leaves no time to settle,
    // and the replacement needs time to start, join and warm). The node reports itself warm once they have settled: a
    // node this one replaces serves on until then.
    NodeStatus status = new NodeStatus();
    long watching = System.nanoTime();
    CompilerSettling.watch(
        warmUpSettings,
        () -> quotaWithin(status, warmUpSettings.budget(), Duration.ofNanos(System.nanoTime() - watching)),
        () -> launcher.ifPresent(LauncherLink::settled),
        () -> status.warm(true));
    start(config, settings, engine, warmUp, status, replacement(config, launcher), tenantsSource, tenants);
  }

  /** Whether the node, at the rate it served over {@code serving}, reaches its request quota within {@code horizon}. */
  static boolean quotaWithin(NodeStatus status, Duration horizon, Duration serving) {
    long quota = status.quota();
    long served = status.started();
    if (quota <= 0 || served == 0) {
      return false;
    }
    double secondsLeft = (quota - served) * (serving.toNanos() / 1e9) / served;
    return secondsLeft <= horizon.toSeconds();
  }

  /**
   * Its launcher, which replaces this node before it leaves at its quota; none without one, or on a fixed cluster port,
   * which the replacement could not bind while this JVM holds it.
   */
  private static Replacement replacement(Config config, Optional<LauncherLink> launcher) {
    if (launcher.isEmpty()) {
      return Replacement.NONE;
    }
    Config artery = config.getConfig("pekko.remote.artery");
    boolean fixedPort =
        artery.getInt("canonical.port") != 0
            || (artery.hasPath("bind.port") && !artery.getString("bind.port").isBlank() && artery.getInt("bind.port") != 0);
    if (fixedPort) {
      log.info("fixed cluster port: at its request quota this node drains before its replacement can bind the port");
      return Replacement.NONE;
    }
    return launcher.get();
  }

  /** Completes with the launcher's line on standard input, or null when it is closed without one. */
  private static CompletableFuture<String> promotion() {
    CompletableFuture<String> promoted = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("renga-standby-promotion")
        .start(
            () -> {
              try {
                promoted.complete(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine());
              } catch (IOException e) {
                promoted.complete(null);
              }
            });
    return promoted;
  }

  /**
   * A node runs without -XX:+ExitOnOutOfMemoryError, because an OutOfMemoryError raised while a handler's JavaScript
   * allocates is that request's failure: GraalJS reports it as resource exhaustion, the request gets 500
   * memory-limit, its context goes, and the other tenants' requests carry on. One anywhere else ends the JVM, as the
   * flag would (exit code 3), and the launcher replaces it: Pekko's jvm-exit-on-fatal-error does so for its threads,
   * this handler for any other thread.
   */
  private static void exitOnOutOfMemoryOutsideHandlers() {
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          if (error instanceof OutOfMemoryError) {
            System.err.println("Terminating due to java.lang.OutOfMemoryError in thread " + thread.getName());
            Runtime.getRuntime().halt(3);
          }
          log.error("uncaught exception in thread {}", thread.getName(), error);
        });
  }

  private static JsEngine warmEngine(NodeSettings settings, SandboxSettings sandbox) {
    JsEngine engine = new JsEngine(settings.contextPool(), sandbox.isolation(), sandbox.testCapabilities());
    long warmStart = System.nanoTime();
    engine.warmUp(settings.warmUpContexts());
    log.info("engine warmed up with {} contexts in {} ms", settings.warmUpContexts(), (System.nanoTime() - warmStart) / 1_000_000);
    return engine;
  }

  private static ActorSystem<?> start(
      Config config,
      NodeSettings settings,
      JsEngine engine,
      WarmUp.Result warmUp,
      NodeStatus status,
      Replacement replacement,
      TenantsSource tenantsSource,
      Tenants<TenantSettings> tenants) {
    PrometheusMeterRegistry metrics = RengaMetrics.install("node");
    // Strong references: nothing else keeps the warm-up's result, and a gauge only holds its object weakly otherwise.
    Gauge.builder("renga.node.warm.up.seconds", warmUp, w -> w.took().toNanos() / 1e9)
        .description("How long this JVM ran its warm-up workload as a standby, before it was promoted")
        .strongReference(true)
        .register(Metrics.globalRegistry);
    Gauge.builder("renga.node.warm.up.request.cpu.seconds", warmUp, w -> w.requestCpu().toNanos() / 1e9)
        .description("Process CPU time per request in the warm-up's last round: the cost the warm-up reached")
        .strongReference(true)
        .register(Metrics.globalRegistry);
    Metrics.gauge("renga.node.in.flight", status, NodeStatus::inFlight);
    Metrics.more().counter("renga.node.started", List.of(), status, NodeStatus::started);
    Metrics.gauge("renga.node.dispatcher.lag.seconds", status, s -> s.heartbeatLagMillis() / 1000.0);
    Metrics.gauge("renga.node.draining", status, s -> s.state() == NodeStatus.State.DRAINING ? 1 : 0);
    Metrics.gauge("renga.node.quota", status, NodeStatus::quota);
    Metrics.gauge("renga.node.context.pool.ready", engine, JsEngine::pooled);
    Metrics.more().counter("renga.node.context.pool.misses", List.of(), engine, JsEngine::poolMisses);
    Gauge.builder("renga.node.scope.contexts", engine, JsEngine::scopeContexts)
        .description("Handler contexts open under isolation scope")
        .register(Metrics.globalRegistry);
    Metrics.more()
        .counter("renga.node.scope.contexts.closed.for.memory", List.of(), engine, JsEngine::scopeContextsClosedForMemory);
    ActorSystem<NodeProtocol.Command> system =
        ActorSystem.create(
            guardian(engine, settings, status, metrics, config, replacement, tenantsSource, tenants),
            RengaConfig.systemName(config),
            config);
    // A graceful stop (SIGTERM, Ctrl-C, the launcher stopping) first leaves routing and lets requests in flight end.
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "renga-drain",
            () ->
                AskPattern.<NodeProtocol.Command, Done>ask(
                    system, NodeGuardian.Drain::new, settings.drainTimeout(), system.scheduler()));
    system.getWhenTerminated().thenRun(engine::close);
    ParentProcess.exitWithParent(system);
    return system;
  }

  private static Behavior<NodeProtocol.Command> guardian(
      JsEngine engine,
      NodeSettings settings,
      NodeStatus status,
      PrometheusMeterRegistry metrics,
      Config config,
      Replacement replacement,
      TenantsSource tenantsSource,
      Tenants<TenantSettings> tenants) {
    return Behaviors.setup(
        context -> {
          var blocking =
              context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
          HandlerFetcher fetcher = new HandlerFetcher(HandlerSettings.from(config), context.getSystem());
          Sandbox sandbox =
              new Sandbox(
                  engine, fetcher, SandboxSettings.from(config), new RunningTurns(), blocking, new HandlerCache(fetcher),
                  tenants);
          var reloader =
              context.spawn(
                  TenantsReloader.create(tenantsSource, NodeTenants.parser(config), tenants),
                  "tenants",
                  DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
          TenantsReloader.reloadOnHangUp(reloader);
          NodeAdmin.bind(context.getSystem(), settings, status, metrics, tenants);
          return NodeGuardian.create(settings, sandbox, status, replacement);
        });
  }
}
