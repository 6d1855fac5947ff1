package dev.renga.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.renga.core.RengaMetrics;
import dev.renga.gateway.routing.NodeRouter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Admin endpoints: /healthz (process alive), /readyz (at least one node), /metrics (Prometheus), /admin/nodes
 * (JSON).
 */
public final class AdminRoutes extends AllDirectives {
  private static final ObjectMapper json = new ObjectMapper();
  private static final ContentType PROMETHEUS = ContentTypes.parse(RengaMetrics.CONTENT_TYPE);
  private final NodeRouter router;
  private final PrometheusMeterRegistry metrics;

  public AdminRoutes(NodeRouter router, PrometheusMeterRegistry metrics) {
    this.router = router;
    this.metrics = metrics;
  }

  public Route route() {
    return concat(
        path("healthz", () -> get(() -> complete(StatusCodes.OK, "ok\n"))),
        path("readyz", () -> get(this::ready)),
        path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(PROMETHEUS, metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8))))),
        pathPrefix("admin", () -> path("nodes", () -> get(this::nodes))));
  }

  private Route ready() {
    int nodes = router.nodes().size();
    return nodes > 0
        ? complete(StatusCodes.OK, "ready: " + nodes + " node(s)\n")
        : complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: no node in the cluster\n");
  }

  private Route nodes() {
    List<Map<String, Object>> nodes =
        router.nodes().stream()
            .map(ref -> Map.<String, Object>of("address", ref.path().address().toString(), "state", "up"))
            .toList();
    try {
      return complete(
          HttpResponse.create()
              .withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(Map.of("nodes", nodes))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
