package dev.renga.gateway.routing;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.NodeProtocol;
import dev.renga.core.NodeReport;
import dev.renga.core.RengaConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/** Probes standing in for node guardians, each in an actor system of its own so that each has its own address. */
final class StandInNodes implements AutoCloseable {
  private final List<ActorTestKit> systems = new ArrayList<>();
  private final List<TestProbe<NodeProtocol.Command>> probes = new ArrayList<>();

  StandInNodes(String prefix, int count) {
    for (int i = 0; i < count; i++) {
      var system =
          ActorTestKit.create(prefix + "-" + i, RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
      systems.add(system);
      probes.add(system.createTestProbe());
    }
  }

  TestProbe<NodeProtocol.Command> probe(int i) {
    return probes.get(i);
  }

  ActorRef<NodeProtocol.Command> ref(int i) {
    return probes.get(i).getRef();
  }

  Address address(int i) {
    return ref(i).path().address();
  }

  int indexOf(ActorRef<NodeProtocol.Command> ref) {
    for (int i = 0; i < probes.size(); i++) {
      if (ref(i).equals(ref)) {
        return i;
      }
    }
    throw new AssertionError("not a stand-in node: " + ref);
  }

  List<ActorRef<NodeProtocol.Command>> refs() {
    return probes.stream().map(TestProbe::getRef).toList();
  }

  /** A report from node i, as its NodeReporter would publish it. */
  NodeReport report(int i, String state, int inFlight, int capacity) {
    return new NodeReport(address(i).toString(), state, inFlight, 0, 0, 0, capacity, true);
  }

  @Override
  public void close() {
    systems.forEach(ActorTestKit::shutdownTestKit);
  }
}
