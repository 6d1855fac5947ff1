package dev.renga.core;

/**
 * What a node tells every gateway about itself, on the cluster pub-sub topic {@link #TOPIC} about once a second and
 * whenever its state changes. Gateways show it in /admin/nodes, route only to nodes that report "up", and
 * send a node no more than its capacity.
 *
 * @param address the node's cluster address
 * @param state "starting", "up", "draining" or "unhealthy"
 * @param inFlight requests running on the node
 * @param served requests the node JVM has started since it joined
 * @param quota requests it serves before it recycles (0 = none)
 * @param heartbeatLagMs how late the JS dispatcher's heartbeat is
 * @param capacity requests the node runs at once at most (renga.node.max-concurrent); it refuses more
 * @param warm whether its JIT compilers have settled under its own traffic (or its warm-up budget is spent): a node at
 *     its request quota serves on until its replacement says so, or until its hard ceiling
 */
public record NodeReport(
    String address, String state, int inFlight, long served, long quota, long heartbeatLagMs, int capacity, boolean warm)
    implements CborSerializable {
  /** The pub-sub topic nodes publish on and gateways subscribe to. */
  public static final String TOPIC = "renga-node-reports";
}
