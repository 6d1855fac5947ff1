import static org.apache.pekko.http.javadsl.server.Directives.complete;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;

/** Raw Pekko HTTP peer: answers "hello" to every request; compiled against the gateway's class path. */
public final class PekkoHello {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = local\n"
                    + "pekko.loglevel = WARNING\n"
                    + "pekko.http.server.max-connections = 20000\n"
                    + "pekko.http.server.backlog = 4096\n")
            .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pekko-hello", config);
    Http.get(system)
        .newServerAt("127.0.0.1", port)
        .bind(complete("hello"))
        .thenAccept(binding -> System.out.println("pekko-hello: listening on " + binding.localAddress()));
  }
}
