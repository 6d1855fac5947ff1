package dev.renga.node.outbound;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

/**
 * The node's keep-alive connections for handler code's outbound HTTP. A connection belongs to one {@link Key}
 * (tenant, scheme, host, port and the address the network policy approved for the request) and only serves requests
 * with that key, one at a time: tenants never share a connection, and a name that now resolves to another address gets
 * a connection of its own. Open connections (idle or busy) are bounded per tenant and per node:
 *
 * <ul>
 *   <li>a request with an idle connection of its key takes it (the most recently used);
 *   <li>otherwise it opens one if its tenant and the node are under their bounds, first closing the tenant's least
 *       recently used idle connection when the tenant is at its bound, or the node's when the node is;
 *   <li>otherwise it waits, in arrival order, within its own outbound timeout, for a connection of its key or room
 *       under the bounds. A tenant whose connections are all busy at its bound only makes its own requests wait.
 * </ul>
 *
 * Idle connections close after the idle timeout; connections older than the maximum lifetime close instead of going
 * back to the pool. The pool's state is guarded by its lock; connections are opened, handed over and closed outside.
 */
final class OutboundPool {
  /** What a connection is for; a connection never serves another key. */
  record Key(String tenant, boolean https, String host, int port, InetAddress address) {}

  /** A request's claim on a connection: {@link #connection()} completes with it, or is cancelled. */
  static final class Claim {
    private final Key key;
    private final boolean fresh;
    private final CompletableFuture<OutboundConnection> connection = new CompletableFuture<>();

    private Claim(Key key, boolean fresh) {
      this.key = key;
      this.fresh = fresh;
    }

    CompletableFuture<OutboundConnection> connection() {
      return connection;
    }
  }

  private final OutboundSettings.Pool settings;
  private final Function<Key, OutboundConnection> opener;
  private final Scheduler scheduler;
  private final ExecutionContext timers;

  private final Map<Key, ArrayDeque<OutboundConnection>> idle = new HashMap<>();
  /** Idle connections, least recently used first: the first to close when room is needed. */
  private final LinkedHashSet<OutboundConnection> idleOrder = new LinkedHashSet<>();
  private final Map<String, Integer> openByTenant = new HashMap<>();
  private int open;
  private final LinkedHashSet<Claim> waiting = new LinkedHashSet<>();

  /**
   * @param opener opens a connection for a key; it must call {@link #closed} when that connection ends
   */
  OutboundPool(
      OutboundSettings.Pool settings, Function<Key, OutboundConnection> opener, Scheduler scheduler,
      ExecutionContext timers) {
    this.settings = settings;
    this.opener = opener;
    this.scheduler = scheduler;
    this.timers = timers;
  }

  /**
   * Asks for a connection for {@code key}; {@code fresh} asks for a new one (a request retried after a reused
   * connection turned out to be closed). Cancel the claim with {@link #cancel} if the request ends first.
   */
  Claim claim(Key key, boolean fresh) {
    Claim claim = new Claim(key, fresh);
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (!serve(claim, after)) {
        waiting.add(claim);
      }
    }
    after.forEach(Runnable::run);
    return claim;
  }

  /** The request that made the claim ended: stop waiting, or give back the connection it got meanwhile (unused). */
  void cancel(Claim claim) {
    synchronized (this) {
      waiting.remove(claim);
    }
    if (!claim.connection.cancel(false)) {
      OutboundConnection connection = claim.connection.getNow(null);
      if (connection != null) {
        release(connection, true);
      }
    }
  }

  /**
   * A request is done with the connection: it goes to the next request waiting for its key or back to the pool if
   * {@code reusable} (the response was read to its end and did not ask to close), and is closed otherwise.
   */
  void release(OutboundConnection connection, boolean reusable) {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      // Gone already, or given back twice: a connection is in the pool at most once.
      if (!connection.counted || connection.idle) {
        return;
      }
      boolean tooOld = System.nanoTime() - connection.openedAt >= settings.maxLifetime().toNanos();
      if (!reusable || tooOld || connection.isClosed()) {
        forget(connection);
        after.add(connection::shutdown);
      } else {
        Claim next = null;
        for (Claim claim : waiting) {
          if (!claim.fresh && claim.key.equals(connection.key)) {
            next = claim;
            break;
          }
        }
        if (next != null) {
          waiting.remove(next);
          Claim handedTo = next;
          after.add(() -> deliver(handedTo, connection));
        } else {
          putIdle(connection);
        }
      }
      dispatch(after);
    }
    after.forEach(Runnable::run);
  }

  /** The connection ended (closed by either side, or aborted): it no longer counts, and its room goes to a waiter. */
  void closed(OutboundConnection connection) {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (!connection.counted) {
        return;
      }
      forget(connection);
      dispatch(after);
    }
    after.forEach(Runnable::run);
  }

  /** Open connections of a tenant, idle or busy. */
  synchronized int open(String tenant) {
    return openByTenant.getOrDefault(tenant, 0);
  }

  /** Open connections of the node, idle or busy. */
  synchronized int open() {
    return open;
  }

  /** Closes the tenant's idle connections (a tenant that will make no more requests). */
  void closeIdle(String tenant) {
    List<OutboundConnection> closing = new ArrayList<>();
    synchronized (this) {
      for (OutboundConnection connection : List.copyOf(idleOrder)) {
        if (connection.key.tenant().equals(tenant)) {
          forget(connection);
          closing.add(connection);
        }
      }
    }
    closing.forEach(OutboundConnection::shutdown);
  }

  /** Under the lock: serves the waiting claims that can be served now, in arrival order. */
  private void dispatch(List<Runnable> after) {
    for (Iterator<Claim> it = waiting.iterator(); it.hasNext(); ) {
      Claim claim = it.next();
      if (claim.connection.isDone() || serve(claim, after)) {
        it.remove();
      }
    }
  }

  /**
   * Under the lock: gives the claim an idle connection of its key, or room for a new one (closing idle connections
   * to make it); false when it has to wait.
   */
  private boolean serve(Claim claim, List<Runnable> after) {
    if (!claim.fresh) {
      OutboundConnection reused = takeIdle(claim.key);
      if (reused != null) {
        after.add(() -> deliver(claim, reused));
        return true;
      }
    }
    String tenant = claim.key.tenant();
    boolean tenantFull = openByTenant.getOrDefault(tenant, 0) >= settings.maxConnectionsPerTenant();
    OutboundConnection tenantVictim = tenantFull ? leastRecentlyUsed(tenant) : null;
    if (tenantFull && tenantVictim == null) {
      return false;
    }
    OutboundConnection nodeVictim = null;
    if (tenantVictim == null && open >= settings.maxConnections()) {
      nodeVictim = leastRecentlyUsed(null);
      if (nodeVictim == null) {
        return false;
      }
    }
    for (OutboundConnection victim : new OutboundConnection[] {tenantVictim, nodeVictim}) {
      if (victim != null) {
        forget(victim);
        after.add(victim::shutdown);
      }
    }
    open++;
    openByTenant.merge(tenant, 1, Integer::sum);
    after.add(() -> openFor(claim));
    return true;
  }

  /** Outside the lock: opens the connection whose room the claim was given. */
  private void openFor(Claim claim) {
    OutboundConnection connection;
    try {
      connection = opener.apply(claim.key);
    } catch (RuntimeException e) {
      synchronized (this) {
        open--;
        openByTenant.computeIfPresent(claim.key.tenant(), (t, n) -> n == 1 ? null : n - 1);
      }
      claim.connection.completeExceptionally(e);
      return;
    }
    deliver(claim, connection);
  }

  /** Outside the lock: the claim gets the connection, or, cancelled meanwhile, gives it back. */
  private void deliver(Claim claim, OutboundConnection connection) {
    if (!claim.connection.complete(connection)) {
      release(connection, true);
    }
  }

  private OutboundConnection takeIdle(Key key) {
    ArrayDeque<OutboundConnection> connections = idle.get(key);
    if (connections == null) {
      return null;
    }
    OutboundConnection connection = connections.pollFirst();
    if (connections.isEmpty()) {
      idle.remove(key);
    }
    if (connection != null) {
      unidle(connection);
    }
    return connection;
  }

  private void putIdle(OutboundConnection connection) {
    idle.computeIfAbsent(connection.key, k -> new ArrayDeque<>()).addFirst(connection);
    idleOrder.add(connection);
    connection.idle = true;
    int generation = ++connection.idleGeneration;
    long left = settings.maxLifetime().toNanos() - (System.nanoTime() - connection.openedAt);
    Duration delay = Duration.ofNanos(Math.max(0, Math.min(settings.idleTimeout().toNanos(), left)));
    connection.idleTimer = scheduler.scheduleOnce(delay, () -> expire(connection, generation), timers);
  }

  /** The idle timer fired: close the connection if it is still idle since then. */
  private void expire(OutboundConnection connection, int generation) {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (!connection.idle || connection.idleGeneration != generation || !connection.counted) {
        return;
      }
      forget(connection);
      after.add(connection::shutdown);
      dispatch(after);
    }
    after.forEach(Runnable::run);
  }

  private void unidle(OutboundConnection connection) {
    connection.idle = false;
    idleOrder.remove(connection);
    if (connection.idleTimer != null) {
      connection.idleTimer.cancel();
      connection.idleTimer = null;
    }
  }

  /** The least recently used idle connection of the tenant (of any tenant for null), or null. */
  private OutboundConnection leastRecentlyUsed(String tenant) {
    for (OutboundConnection connection : idleOrder) {
      if (tenant == null || connection.key.tenant().equals(tenant)) {
        return connection;
      }
    }
    return null;
  }

  /** Takes the connection out of the pool and its bounds; the caller closes it (or it has closed). */
  private void forget(OutboundConnection connection) {
    if (connection.idle) {
      ArrayDeque<OutboundConnection> connections = idle.get(connection.key);
      if (connections != null) {
        connections.remove(connection);
        if (connections.isEmpty()) {
          idle.remove(connection.key);
        }
      }
      unidle(connection);
    }
    if (connection.counted) {
      connection.counted = false;
      open--;
      openByTenant.computeIfPresent(connection.key.tenant(), (t, n) -> n == 1 ? null : n - 1);
    }
  }
}
