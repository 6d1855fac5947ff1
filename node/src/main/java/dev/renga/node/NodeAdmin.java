package dev.renga.node;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.renga.core.RengaMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import dev.renga.core.tenants.TenantTable;
import dev.renga.core.tenants.Tenants;
import dev.renga.node.tenants.TenantSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's admin endpoints: /healthz, /readyz (a cluster member, up and serving), /metrics (Prometheus),
 * /admin/status (JSON), /admin/tenants (JSON: the tenants in force, secrets masked).
 */
public final class NodeAdmin extends AllDirectives {
  private static final ObjectMapper json = new ObjectMapper();
  private static final ContentType PROMETHEUS = ContentTypes.parse(RengaMetrics.CONTENT_TYPE);
  private final ActorSystem<?> system;
  private final NodeSettings settings;
  private final NodeStatus status;
  private final PrometheusMeterRegistry metrics;
  private final Tenants<TenantSettings> tenants;

  NodeAdmin(
      ActorSystem<?> system,
      NodeSettings settings,
      NodeStatus status,
      PrometheusMeterRegistry metrics,
      Tenants<TenantSettings> tenants) {
    this.tenants = tenants;
    this.system = system;
    this.settings = settings;
    this.status = status;
    this.metrics = metrics;
  }

  /** Binds the admin endpoints on renga.node.admin.host/port and logs the address. */
  public static void bind(
      ActorSystem<?> system,
      NodeSettings settings,
      NodeStatus status,
      PrometheusMeterRegistry metrics,
      Tenants<TenantSettings> tenants) {
    Http.get(system)
        .newServerAt(settings.adminHost(), settings.adminPort())
        .bind(new NodeAdmin(system, settings, status, metrics, tenants).route())
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                system.log().error("could not bind the node admin port {}", settings.adminPort(), failure);
              } else {
                binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
                system.log().info("node admin listening on {}", binding.localAddress());
              }
            });
  }

  Route route() {
    return concat(
        path("healthz", () -> get(() -> complete(StatusCodes.OK, "ok\n"))),
        path("readyz", () -> get(this::ready)),
        path(
            "metrics",
            () -> get(() -> complete(HttpResponse.create().withEntity(PROMETHEUS, metrics.scrape().getBytes(UTF_8))))),
        pathPrefix(
            "admin",
            () -> concat(path("status", () -> get(this::statusJson)), path("tenants", () -> get(this::tenantsJson)))));
  }

  /** The tenants in force: each entry's URL prefixes and settings, every secret value masked. */
  private Route tenantsJson() {
    TenantTable<TenantSettings> table = tenants.table();
    List<Map<String, Object>> list = new ArrayList<>();
    table.entries().forEach((name, tenant) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", name);
      entry.put("match", table.prefixes(name));
      entry.putAll(tenant.describe());
      list.add(entry);
    });
    return json(Map.of("tenants", list));
  }

  private Route json(Object body) {
    try {
      return complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Route ready() {
    MemberStatus member = Cluster.get(system).selfMember().status();
    if (member != MemberStatus.up() && member != MemberStatus.weaklyUp()) {
      return complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: cluster member status " + member + "\n");
    }
    return status.state() == NodeStatus.State.UP
        ? complete(StatusCodes.OK, "ready\n")
        : complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: " + status.state().name().toLowerCase() + "\n");
  }

  private Route statusJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("address", Cluster.get(system).selfMember().address().toString());
    body.put("state", status.state().name().toLowerCase());
    body.put("inFlight", status.inFlight());
    body.put("capacity", settings.maxConcurrent());
    body.put("started", status.started());
    body.put("quota", status.quota());
    body.put("heartbeatLagMs", status.heartbeatLagMillis());
    body.put("jsThreads", settings.jsThreads());
    body.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    body.put("pid", ProcessHandle.current().pid());
    try {
      return complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
