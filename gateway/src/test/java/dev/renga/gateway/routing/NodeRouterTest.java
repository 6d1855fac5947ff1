package dev.renga.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.renga.core.NodeProtocol;
import dev.renga.core.RengaConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which node a request goes to: handler-URL affinity, bounded load, capacity, node state. */
@ExtendWith(LogCapturingExtension.class)
class NodeRouterTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(RengaConfig.withDefaults(ConfigFactory.parseString("pekko.actor.provider = local")));
  private static final StandInNodes nodes = new StandInNodes("router-node", 5);
  /** Attempt ids for the invocations the tests make a gateway count. */
  private static final AtomicLong attempts = new AtomicLong();

  @AfterAll
  static void stop() {
    nodes.close();
    testKit.shutdownTestKit();
  }

  private record Gateway(NodeRouter router, InFlightInvocations inFlight) {
    int pick(String url) {
      return nodes.indexOf(router.pick(url, Set.of()).orElseThrow());
    }

    /** Makes this gateway count {@code count} more invocations on node i. */
    void running(int i, int count) {
      for (int n = 0; n < count; n++) {
        inFlight.add(nodes.address(i), attempts.incrementAndGet());
      }
    }
  }

  private static Gateway gateway(List<ActorRef<NodeProtocol.Command>> registered) {
    var inFlight = new InFlightInvocations();
    var router = new NodeRouter(100, inFlight, RoutingSettings.DEFAULTS);
    router.update(registered);
    return new Gateway(router, inFlight);
  }

  private static List<String> handlerUrls(int count) {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      urls.add("https://tenant-" + (i % 7) + ".example/handlers/h" + i + ".js");
    }
    return urls;
  }

  @Test
  void aHandlerGoesToTheSameNodeEveryTimeWhileLoadIsLow() {
    var gateway = gateway(nodes.refs());
    for (String url : handlerUrls(50)) {
      int first = gateway.pick(url);
      assertEquals(nodes.address(first), gateway.router().ranking(url).get(0));
      for (int i = 0; i < 5; i++) {
        assertEquals(first, gateway.pick(url), url);
      }
    }
  }

  @Test
  void handlersSpreadOverEveryNode() {
    var gateway = gateway(nodes.refs());
    Map<Integer, Integer> firsts = new HashMap<>();
    for (String url : handlerUrls(500)) {
      firsts.merge(gateway.pick(url), 1, Integer::sum);
    }
    // 100 expected on each of the 5 nodes.
    for (int i = 0; i < 5; i++) {
      int count = firsts.getOrDefault(i, 0);
      assertTrue(count > 60 && count < 140, "node " + i + " ranks first for " + count + " of 500 handlers: " + firsts);
    }
  }

  @Test
  void gatewaysThatShareNothingRankNodesAlikeWhateverOrderTheyLearnThemIn() {
    var one = gateway(nodes.refs());
    var reversed = new ArrayList<>(nodes.refs());
    java.util.Collections.reverse(reversed);
    var other = gateway(reversed);
    for (String url : handlerUrls(200)) {
      assertEquals(one.router().ranking(url), other.router().ranking(url), url);
      assertEquals(one.pick(url), other.pick(url), url);
    }
  }

  @Test
  void aNodeThatLeavesMovesOnlyTheHandlersThatRankedItFirst() {
    var gateway = gateway(nodes.refs());
    Map<String, Address> before = new HashMap<>();
    handlerUrls(200).forEach(url -> before.put(url, gateway.router().ranking(url).get(0)));
    gateway.router().update(nodes.refs().subList(1, 5));
    int moved = 0;
    for (var entry : before.entrySet()) {
      Address now = gateway.router().ranking(entry.getKey()).get(0);
      if (entry.getValue().equals(nodes.address(0))) {
        assertNotEquals(nodes.address(0), now);
        assertEquals(gateway.router().ranking(entry.getKey()).get(0), now);
        moved++;
      } else {
        assertEquals(entry.getValue(), now, "a handler that did not rank the gone node first stays where it was");
      }
    }
    assertTrue(moved > 0, "node 0 ranked first for some handlers");
  }

  @Test
  void aBusyNodeIsPassedOverOnceItsInFlightWouldExceedTheBound() {
    var gateway = gateway(nodes.refs().subList(0, 3));
    String url = "https://busy.example/h.js";
    int first = gateway.pick(url);
    int second = nodes.indexOf(ref(gateway, gateway.router().ranking(url).get(1)));
    // One in flight on the first: mean 1/3, bound ceil(1.25/3 + 1) = 2, and 1 + 1 stays within it.
    gateway.running(first, 1);
    assertEquals(first, gateway.pick(url));
    // Two: mean 2/3, bound ceil(1.25 x 2/3 + 1) = 2, and 2 + 1 would exceed it.
    gateway.running(first, 1);
    assertEquals(second, gateway.pick(url));
    // The others catch up: 4, 3, 3 in flight, mean 10/3, bound ceil(5.17) = 6: the first is back.
    gateway.running(first, 2);
    gateway.running(second, 3);
    gateway.running(3 - first - second, 3);
    assertEquals(first, gateway.pick(url));
  }

  @Test
  void underConcurrentLoadNoNodeHoldsMoreThanTheBound() {
    var gateway = gateway(nodes.refs());
    String url = "https://hot.example/h.js";
    for (int request = 0; request < 200; request++) {
      int picked = gateway.pick(url);
      gateway.running(picked, 1);
      int total = 0;
      int max = 0;
      for (int i = 0; i < 5; i++) {
        int count = gateway.inFlight().count(nodes.address(i));
        total += count;
        max = Math.max(max, count);
      }
      assertTrue(max <= gateway.router().bound(total, 5), "max " + max + " of " + total + " in flight");
    }
  }

  @Test
  void aNodesReportedInFlightCountsWhenItIsHigherThanThisGatewaysOwn() {
    var gateway = gateway(nodes.refs().subList(0, 3));
    String url = "https://shared.example/h.js";
    int first = gateway.pick(url);
    // Other gateways keep it busy: 12 in flight, mean 4, bound 6.
    gateway.router().reported(nodes.address(first), nodes.report(first, "up", 12, 1000));
    assertNotEquals(first, gateway.pick(url));
    gateway.router().reported(nodes.address(first), nodes.report(first, "up", 0, 1000));
    assertEquals(first, gateway.pick(url));
  }

  @Test
  void aNodeAtItsCapacityIsNeverPickedAndAWaitingRequestWakesWhenOneEnds() {
    var gateway = gateway(nodes.refs().subList(0, 2));
    for (int i = 0; i < 2; i++) {
      gateway.router().reported(nodes.address(i), nodes.report(i, "up", 0, 1));
    }
    assertEquals(2, gateway.router().capacity());
    gateway.running(0, 1);
    assertEquals(1, gateway.pick("https://a.example/h.js"));
    long last = attempts.incrementAndGet();
    gateway.inFlight().add(nodes.address(1), last);
    assertEquals(Optional.empty(), gateway.router().pick("https://a.example/h.js", Set.of()));

    AtomicInteger gaveUp = new AtomicInteger();
    AtomicInteger woken = new AtomicInteger();
    Runnable withdraw = gateway.router().onChange(gateway.router().version(), gaveUp::incrementAndGet).orElseThrow();
    assertTrue(gateway.router().onChange(gateway.router().version(), woken::incrementAndGet).isPresent());
    assertEquals(2, gateway.router().waiting());
    // The first waiter's request timed out: it no longer counts, and the room that frees up goes to the second.
    withdraw.run();
    assertEquals(1, gateway.router().waiting());
    gateway.inFlight().remove(nodes.address(1), last);
    assertEquals(0, gaveUp.get());
    assertEquals(1, woken.get());
    assertEquals(0, gateway.router().waiting());
    assertEquals(1, gateway.pick("https://a.example/h.js"));
  }

  @Test
  void onlyNodesThatReportUpAndAreReachableAreRouted() {
    var gateway = gateway(nodes.refs().subList(0, 3));
    gateway.router().reported(nodes.address(0), nodes.report(0, "draining", 0, 1000));
    gateway.router().reported(nodes.address(1), nodes.report(1, "unhealthy", 0, 1000));
    assertEquals(List.of(nodes.ref(2)), gateway.router().nodes(), "a node that has not reported yet is routed");
    gateway.router().markUnreachable(nodes.address(2));
    assertTrue(gateway.router().nodes().isEmpty());
    assertEquals(0, gateway.router().capacity());
    gateway.router().markReachable(nodes.address(2));
    gateway.router().reported(nodes.address(0), nodes.report(0, "up", 0, 1000));
    assertEquals(Set.of(nodes.ref(0), nodes.ref(2)), Set.copyOf(gateway.router().nodes()));
    assertFalse(gateway.router().nodes().contains(nodes.ref(1)));
  }

  private static ActorRef<NodeProtocol.Command> ref(Gateway gateway, Address address) {
    return gateway.router().nodes().stream().filter(r -> r.path().address().equals(address)).findFirst().orElseThrow();
  }
}
