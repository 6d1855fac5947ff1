package dev.renga.node;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Beats on the JS dispatcher: when every JS thread is stuck, the beats stop, and the {@link Watchdog} on its own
 * dispatcher sees it.
 */
public final class HeartbeatActor {
  private HeartbeatActor() {}

  private enum Beat {
    INSTANCE
  }

  /** The last beat, shared with the Watchdog. */
  public static final class Heartbeat {
    private final AtomicLong lastBeat = new AtomicLong(System.nanoTime());

    void beat() {
      lastBeat.set(System.nanoTime());
    }

    /** Time since the last beat. */
    public Duration sinceLastBeat() {
      return Duration.ofNanos(System.nanoTime() - lastBeat.get());
    }
  }

  public static Behavior<Beat> create(Heartbeat heartbeat, Duration interval) {
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Beat.INSTANCE, interval);
          return Behaviors.receiveMessage(
              beat -> {
                heartbeat.beat();
                return Behaviors.same();
              });
        });
  }
}
