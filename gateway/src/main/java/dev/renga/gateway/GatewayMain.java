package dev.renga.gateway;

import com.typesafe.config.Config;
import dev.renga.core.ParentProcess;
import dev.renga.core.RengaConfig;
import dev.renga.core.RengaMetrics;
import dev.renga.core.tenants.Tenants;
import dev.renga.core.tenants.TenantsReloader;
import dev.renga.core.tenants.TenantsSource;
import dev.renga.gateway.admin.AdminRoutes;
import dev.renga.gateway.http.ExtraMethods;
import dev.renga.gateway.http.HandlerInvoker;
import dev.renga.gateway.http.Routes;
import dev.renga.gateway.http.TlsSettings;
import dev.renga.gateway.routing.InFlightInvocations;
import dev.renga.gateway.routing.Invocations;
import dev.renga.gateway.routing.NodeDirectory;
import dev.renga.gateway.routing.NodeReports;
import dev.renga.gateway.routing.NodeRouter;
import dev.renga.gateway.routing.Quarantine;
import dev.renga.gateway.routing.RoutingSettings;
import dev.renga.gateway.routing.TenantShares;
import dev.renga.gateway.warmup.GatewayWarmUp;
import dev.renga.gateway.warmup.WarmUpSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.HandlerProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.LoggerFactory;

/** Starts a gateway JVM: joins the cluster with role "gateway" and serves HTTP and the admin endpoints. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) {
    Config config = RengaConfig.load("gateway");
    GatewayWarmUp.Result warmUp = GatewayWarmUp.run(config, WarmUpSettings.from(config));
    start(config);
    if (warmUp.requests() > 0) {
      LoggerFactory.getLogger(GatewayMain.class)
          .info(
              "warmed up with {} requests ({} not answered as expected) in {} ms before joining",
              warmUp.requests(), warmUp.failed(), warmUp.took().toMillis());
    }
    Gauge.builder("renga.gateway.warm.up.seconds", warmUp, w -> w.took().toNanos() / 1e9)
        .description("How long this gateway ran its warm-up workload before it joined the cluster")
        .strongReference(true)
        .register(Metrics.globalRegistry);
  }

  /** Starts a gateway with the given (already role-applied) config; used by main and by tests. */
  public static ActorSystem<Void> start(Config config) {
    GatewaySettings settings = GatewaySettings.from(config);
    TlsSettings tls = TlsSettings.from(config);
    PrometheusMeterRegistry metrics = RengaMetrics.install("gateway");
    RoutingSettings routing = RoutingSettings.from(config);
    TenantsSource tenantsSource = TenantsSource.from(config);
    Tenants<TenantShares.Share> tenants = TenantsReloader.load(tenantsSource, SHARES);
    ActorSystem<Void> system =
        ActorSystem.create(
            guardian(settings, tls, routing, metrics, tenantsSource, tenants), RengaConfig.systemName(config), config);
    ParentProcess.exitWithParent(system);
    return system;
  }

  /** The gateway's part of each renga.tenants entry: its fair share; it reads no secret file. */
  private static final TenantsReloader.Parser<TenantShares.Share> SHARES =
      new TenantsReloader.Parser<>(TenantShares.Share::of, share -> List.of());

  private static Behavior<Void> guardian(
      GatewaySettings settings,
      TlsSettings tls,
      RoutingSettings routing,
      PrometheusMeterRegistry metrics,
      TenantsSource tenantsSource,
      Tenants<TenantShares.Share> tenants) {
    return Behaviors.setup(
        context -> {
          ActorSystem<?> system = context.getSystem();
          var reloader =
              context.spawn(TenantsReloader.create(tenantsSource, SHARES, tenants), "tenants", DispatcherSelector.blocking());
          TenantsReloader.reloadOnHangUp(reloader);
          InFlightInvocations inFlight = new InFlightInvocations();

          NodeRouter router = new NodeRouter(settings.queueMax(), inFlight, routing);
          Quarantine quarantine =
              new Quarantine(
                  settings.quarantineAfterNodeLosses(), settings.quarantineWindow(), settings.quarantineDuration());
          NodeReports reports = new NodeReports();
          context.spawn(NodeDirectory.create(router, inFlight, reports), "node-directory");
          var invocations =
              context.spawn(
                  Invocations.create(
                      new Invocations.Routing(router, inFlight, quarantine, settings.nodeTimeout(), settings.queueTimeout()),
                      new TenantShares(router, routing, tenants)),
                  "invocations");
          HandlerInvoker invoker = new HandlerInvoker(system, settings, invocations.narrow(), quarantine);
          Routes routes = new Routes(invoker);
          // A graceful stop (SIGTERM): stop accepting, answer every request and finish every streamed response (Pekko
          // HTTP's own graceful termination counts a response as done once its head is sent), then close connections.
          CoordinatedShutdown.get(system)
              .addTask(
                  CoordinatedShutdown.PhaseBeforeServiceUnbind(),
                  "renga-stop-accepting",
                  () -> {
                    invoker.stopAccepting();
                    return CompletableFuture.completedFuture(Done.getInstance());
                  });
          CoordinatedShutdown.get(system)
              .addTask(
                  CoordinatedShutdown.PhaseServiceRequestsDone(),
                  "renga-finish-requests",
                  () -> when(system, () -> invoker.unanswered() == 0 && inFlight.isEmpty()));
          bind(system, "http", settings.httpHost(), settings.httpPort(), tls.context(), actorSystem -> routes.handler());
          bind(
              system,
              "admin",
              settings.adminHost(),
              settings.adminPort(),
              Optional.empty(),
              new AdminRoutes(system, router, inFlight, reports, metrics, tenants).route());
          return Behaviors.empty();
        });
  }

  /** Completes once {@code condition} holds, checked every 100 ms (bounded by the shutdown phase's timeout). */
  private static CompletionStage<Done> when(ActorSystem<?> system, java.util.function.BooleanSupplier condition) {
    CompletableFuture<Done> done = new CompletableFuture<>();
    Cancellable check =
        system
            .scheduler()
            .scheduleAtFixedRate(
                Duration.ZERO,
                Duration.ofMillis(100),
                () -> {
                  if (condition.getAsBoolean()) {
                    done.complete(Done.getInstance());
                  }
                },
                system.executionContext());
    return done.whenComplete((ok, failure) -> check.cancel());
  }

  private static void bind(
      ActorSystem<?> system,
      String name,
      String host,
      int port,
      Optional<HttpsConnectionContext> https,
      HandlerProvider handler) {
    ServerSettings settings = ExtraMethods.accept(ServerSettings.create(system.classicSystem()));
    ServerBuilder server = Http.get(system).newServerAt(host, port).withSettings(settings);
    // With TLS, clients that negotiate HTTP/2 through ALPN get it; plain HTTP stays HTTP/1.1.
    https
        .map(context -> server.enableHttps(context).withSettings(settings.withEnableHttp2(true)))
        .orElse(server)
        .bind(handler)
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                system.log().error("could not bind {} on {}:{}", name, host, port, failure);
                system.terminate();
              } else {
                CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
                shutdown.addTask(
                    CoordinatedShutdown.PhaseServiceUnbind(), "unbind-" + name, () -> binding.unbind().thenApply(d -> Done.getInstance()));
                shutdown.addTask(
                    CoordinatedShutdown.PhaseServiceStop(),
                    "close-" + name,
                    () -> binding.terminate(Duration.ofSeconds(2)).thenApply(t -> Done.getInstance()));
                system.log().info("{} listening on {}{}", name, binding.localAddress(), https.isPresent() ? " (https)" : "");
              }
            });
  }
}
