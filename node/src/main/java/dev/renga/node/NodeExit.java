package dev.renga.node;

import org.apache.pekko.actor.CoordinatedShutdown;

/** Why a node JVM leaves; renga-pekko.conf maps each reason to its exit code. */
public final class NodeExit {
  private NodeExit() {}

  /** The request quota is used up: exit 0, the launcher starts a fresh JVM at once. */
  public static final class Recycle implements CoordinatedShutdown.Reason {
    @Override
    public String toString() {
      return "request quota reached";
    }
  }

  /** The JS dispatcher is blocked: exit 70, the launcher restarts with backoff. */
  public static final class Unhealthy implements CoordinatedShutdown.Reason {
    @Override
    public String toString() {
      return "JS dispatcher blocked";
    }
  }
}
