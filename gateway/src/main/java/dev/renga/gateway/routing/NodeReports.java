package dev.renga.gateway.routing;

import dev.renga.core.NodeReport;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The latest {@link NodeReport} of each node, as the {@link NodeDirectory} receives them; read by /admin/nodes. */
public final class NodeReports {
  /** A report and when it arrived (System.nanoTime). */
  public record Received(NodeReport report, long receivedAt) {}

  private final Map<String, Received> byAddress = new ConcurrentHashMap<>();

  void update(NodeReport report) {
    byAddress.put(report.address(), new Received(report, System.nanoTime()));
  }

  void remove(String address) {
    byAddress.remove(address);
  }

  public Optional<Received> of(String address) {
    return Optional.ofNullable(byAddress.get(address));
  }
}
