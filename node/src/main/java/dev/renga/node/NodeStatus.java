package dev.renga.node;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What the node reports about itself: written by its actors, read by the admin endpoints. */
public final class NodeStatus {
  /** A node's life: it serves while UP; DRAINING and UNHEALTHY nodes take no new requests. */
  public enum State {
    STARTING,
    UP,
    DRAINING,
    UNHEALTHY
  }

  private volatile State state = State.STARTING;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong started = new AtomicLong();
  private volatile long heartbeatLagMillis;
  private volatile long quota;
  private volatile boolean warm;

  public State state() {
    return state;
  }

  void state(State state) {
    this.state = state;
  }

  public int inFlight() {
    return inFlight.get();
  }

  public long started() {
    return started.get();
  }

  void requestStarted() {
    started.incrementAndGet();
    inFlight.incrementAndGet();
  }

  void requestEnded() {
    inFlight.decrementAndGet();
  }

  public long heartbeatLagMillis() {
    return heartbeatLagMillis;
  }

  void heartbeatLagMillis(long lag) {
    this.heartbeatLagMillis = lag;
  }

  /** This JVM's request quota (0 = none). */
  public long quota() {
    return quota;
  }

  void quota(long quota) {
    this.quota = quota;
  }

  /** Whether this JVM's compilers have settled under its own traffic, or its warm-up budget is spent. */
  public boolean warm() {
    return warm;
  }

  void warm(boolean warm) {
    this.warm = warm;
  }
}
