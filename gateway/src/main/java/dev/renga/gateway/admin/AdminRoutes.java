package dev.renga.gateway.admin;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.renga.core.RengaMetrics;
import dev.renga.gateway.routing.InFlightInvocations;
import dev.renga.gateway.routing.NodeReports;
import dev.renga.core.tenants.TenantTable;
import dev.renga.core.tenants.Tenants;
import dev.renga.gateway.routing.NodeRouter;
import dev.renga.gateway.routing.TenantShares;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The gateway's admin port: / (the admin page), /healthz (process alive), /readyz (at least one node, not stopping), /metrics
 * (Prometheus), /admin/nodes (JSON: every node member with its state and counts, and the gateway's totals), /admin/tenants (JSON: the
 * tenants the gateway shares the cluster between).
 */
public final class AdminRoutes extends AllDirectives {
  private static final ObjectMapper json = new ObjectMapper();
  private static final ContentType PROMETHEUS = ContentTypes.parse(RengaMetrics.CONTENT_TYPE);
  private final ActorSystem<?> system;
  private final NodeRouter router;
  private final InFlightInvocations inFlight;
  private final NodeReports reports;
  private final PrometheusMeterRegistry metrics;
  private final Tenants<TenantShares.Share> tenants;

  public AdminRoutes(
      ActorSystem<?> system,
      NodeRouter router,
      InFlightInvocations inFlight,
      NodeReports reports,
      PrometheusMeterRegistry metrics) {
    this(system, router, inFlight, reports, metrics, new Tenants<>(TenantTable.only(TenantShares.Share.INHERIT)));
  }

  public AdminRoutes(
      ActorSystem<?> system,
      NodeRouter router,
      InFlightInvocations inFlight,
      NodeReports reports,
      PrometheusMeterRegistry metrics,
      Tenants<TenantShares.Share> tenants) {
    this.tenants = tenants;
    this.system = system;
    this.router = router;
    this.inFlight = inFlight;
    this.reports = reports;
    this.metrics = metrics;
  }

  public Route route() {
    return concat(
        pathSingleSlash(() -> get(() -> getFromResource("dev/renga/gateway/admin/index.html", ContentTypes.TEXT_HTML_UTF8))),
        path("healthz", () -> get(() -> complete(StatusCodes.OK, "ok\n"))),
        path("readyz", () -> get(this::ready)),
        path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(PROMETHEUS, metrics.scrape().getBytes(UTF_8))))),
        pathPrefix(
            "admin",
            () ->
                concat(
                    path("nodes", () -> get(() -> completeJson(nodes()))),
                    path("tenants", () -> get(() -> completeJson(tenants()))))));
  }

  /** The tenants this gateway shares the cluster between: each entry's URL prefixes and fair-share minimum. */
  private Map<String, Object> tenants() {
    TenantTable<TenantShares.Share> table = tenants.table();
    List<Map<String, Object>> list = new ArrayList<>();
    table.entries().forEach((name, share) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", name);
      entry.put("match", table.prefixes(name));
      if (share.minShare() > 0) {
        entry.put("minShare", share.minShare());
      }
      list.add(entry);
    });
    return Map.of("tenants", list);
  }

  private Route ready() {
    if (CoordinatedShutdown.get(system).getShutdownReason().isPresent()) {
      return complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: stopping\n");
    }
    int nodes = router.nodes().size();
    return nodes > 0
        ? complete(StatusCodes.OK, "ready: " + nodes + " node(s)\n")
        : complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: no node in the cluster\n");
  }

  /** Every node member of the cluster, joining to leaving, with what it last reported. */
  Map<String, Object> nodes() {
    ClusterEvent.CurrentClusterState cluster = Cluster.get(system).state();
    Set<Member> unreachable = cluster.getUnreachable();
    Set<Address> routed = router.nodes().stream().map(ref -> ref.path().address()).collect(Collectors.toSet());
    List<Map<String, Object>> nodes = new ArrayList<>();
    StreamSupport.stream(cluster.getMembers().spliterator(), false)
        .filter(member -> member.hasRole("node"))
        .sorted(Comparator.comparing(member -> member.address().toString()))
        .forEach(
            member -> {
              Map<String, Object> node = new LinkedHashMap<>();
              String address = member.address().toString();
              var report = reports.of(address);
              boolean reachable = !unreachable.contains(member);
              node.put("address", address);
              node.put("state", state(member, reachable, report.map(r -> r.report().state()).orElse("starting")));
              node.put("member", member.status().toString().toLowerCase());
              node.put("reachable", reachable);
              node.put("routed", routed.contains(member.address()));
              node.put("capacity", router.capacityOf(member.address()));
              node.put("gatewayInFlight", inFlight.count(member.address()));
              report.ifPresent(
                  received -> {
                    node.put("inFlight", received.report().inFlight());
                    node.put("served", received.report().served());
                    node.put("quota", received.report().quota());
                    node.put("heartbeatLagMs", received.report().heartbeatLagMs());
                    node.put("warm", received.report().warm());
                    node.put("reportAgeMs", (System.nanoTime() - received.receivedAt()) / 1_000_000);
                  });
              nodes.add(node);
            });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("nodes", nodes);
    body.put("gateway", gatewayTotals());
    return body;
  }

  /**
   * One word for an operator: joining, healthy, draining, unhealthy, leaving, unreachable (or starting before the
   * node's first report).
   */
  private static String state(Member member, boolean reachable, String reported) {
    if (!reachable) {
      return "unreachable";
    }
    MemberStatus status = member.status();
    if (status == MemberStatus.joining()) {
      return "joining";
    }
    if (status != MemberStatus.up() && status != MemberStatus.weaklyUp()) {
      return "leaving";
    }
    return reported.equals("up") ? "healthy" : reported;
  }

  /** The gateway's request totals so far (the admin page turns them into rates). */
  private static Map<String, Object> gatewayTotals() {
    long requests = 0;
    long errors = 0;
    for (Timer timer : Metrics.globalRegistry.find("renga.gateway.requests").timers()) {
      requests += timer.count();
      if (!"none".equals(timer.getId().getTag("error"))) {
        errors += timer.count();
      }
    }
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("requests", requests);
    totals.put("errors", errors);
    var inFlight = Metrics.globalRegistry.find("renga.gateway.in.flight").gauge();
    totals.put("inFlight", inFlight == null ? 0 : (long) inFlight.value());
    return totals;
  }

  private Route completeJson(Object body) {
    try {
      return complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
