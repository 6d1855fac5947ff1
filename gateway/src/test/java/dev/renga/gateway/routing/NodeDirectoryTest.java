package dev.renga.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class NodeDirectoryTest {
  @Test
  void aRemovedNodesRoutedSeriesIsForgottenAndTheOthersStay() {
    var scraped = new SimpleMeterRegistry(); // stands in for the Prometheus registry, a child of the global one
    Metrics.addRegistry(scraped);
    try {
      var gone = new Address("pekko", "renga", "127.0.0.1", 40001);
      var stays = new Address("pekko", "renga", "127.0.0.1", 40002);
      Metrics.counter("renga.gateway.routed", "node", gone.toString()).increment();
      Metrics.counter("renga.gateway.routed", "node", stays.toString()).increment();
      NodeDirectory.forgetMeters(gone);
      assertNull(scraped.find("renga.gateway.routed").tag("node", gone.toString()).counter());
      assertEquals(1.0, scraped.find("renga.gateway.routed").tag("node", stays.toString()).counter().count());
    } finally {
      Metrics.removeRegistry(scraped);
    }
  }
}
