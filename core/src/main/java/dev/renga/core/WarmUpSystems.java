package dev.renga.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;

/**
 * Actor systems for a JVM's warm-up before it joins the cluster: two of them in the JVM, one for each side of the
 * gateway-node hop, talking over Artery on loopback as a gateway and a node do across JVMs. So the warm-up runs the
 * serializer, Artery's streams and the remote references the serving path runs, not a local shortcut of them; a fresh
 * JVM otherwise compiles that code under its first real requests (measured: 0.8 ms of a gateway's and 1.2 ms of a
 * node's CPU per request went to its compilers in the first 10 s after a warm-up that stayed local).
 *
 * <p>They are plain remoting systems (no cluster) on 127.0.0.1 and an ephemeral port, never exit the JVM, and log
 * Pekko's own messages only from errors up (their start and their connections' ends are not the JVM's news).
 */
public final class WarmUpSystems {
  private WarmUpSystems() {}

  /** {@code config} (the JVM's own) for a warm-up system: remoting on loopback, no cluster, no exit. */
  public static Config config(Config config) {
    return config
        .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("remote"))
        .withValue("pekko.remote.warn-about-direct-use", ConfigValueFactory.fromAnyRef(false))
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef("127.0.0.1"))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(0))
        .withValue("pekko.remote.artery.bind.hostname", ConfigValueFactory.fromAnyRef(""))
        .withValue("pekko.remote.artery.bind.port", ConfigValueFactory.fromAnyRef(""))
        .withValue("pekko.loglevel", ConfigValueFactory.fromAnyRef("ERROR"))
        .withValue("pekko.coordinated-shutdown.exit-jvm", ConfigValueFactory.fromAnyRef(false))
        .withValue("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", ConfigValueFactory.fromAnyRef(false));
  }

  /** Terminates a warm-up system and waits (10 s at most) until it has; logs one that did not stop in time. */
  public static void terminate(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LoggerFactory.getLogger(WarmUpSystems.class)
          .warn("the warm-up's actor system {} did not stop in time: {}", system.name(), e.toString());
    }
  }

  /** {@code ref}, an actor of {@code owner}, as {@code from} reaches it: through Artery. */
  public static <T> ActorRef<T> remote(ActorSystem<?> owner, ActorRef<T> ref, ActorSystem<?> from) {
    return ActorRefResolver.get(from).resolveActorRef(ActorRefResolver.get(owner).toSerializationFormat(ref));
  }
}
