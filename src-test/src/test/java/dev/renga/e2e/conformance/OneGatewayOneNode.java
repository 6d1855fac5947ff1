package dev.renga.e2e.conformance;

import dev.renga.e2e.RengaProcesses;
import java.time.Duration;
import java.util.Map;

/** One gateway and one node, each a JVM of its own, for a whole test class; stopped on {@link #close()}. */
final class OneGatewayOneNode implements AutoCloseable {
  private final RengaProcesses renga = new RengaProcesses();
  private final String nodeName;
  final int httpPort;

  /** Starts both JVMs (names prefix-gateway and prefix-node in target/e2e-logs) and waits until a node is routable. */
  OneGatewayOneNode(String prefix, Map<String, String> gatewayProps, Map<String, String> nodeProps) {
    int cluster = RengaProcesses.freePort();
    httpPort = RengaProcesses.freePort();
    int admin = RengaProcesses.freePort();
    String seeds = "127.0.0.1:" + cluster;
    nodeName = prefix + "-node";
    renga.gateway(prefix + "-gateway", cluster, httpPort, admin, seeds, gatewayProps);
    renga.node(nodeName, seeds, nodeProps);
    renga.awaitOk("http://127.0.0.1:" + admin + "/readyz", Duration.ofSeconds(90));
  }

  /** Everything the node JVM logged so far. */
  String nodeLog() {
    return RengaProcesses.log(nodeName);
  }

  void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
    renga.await(what, timeout, condition);
  }

  @Override
  public void close() {
    renga.close();
  }
}
