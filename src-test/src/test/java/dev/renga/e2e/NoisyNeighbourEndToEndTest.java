package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.renga.node.testing.FixtureServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One good tenant and four attackers share a cluster: the attackers spin, allocate without bound, backtrack and hold
 * hundreds of requests open; the good tenant's requests all succeed.
 */
class NoisyNeighbourEndToEndTest {
  private static final int GOOD_REQUESTS = 300;
  private static final RengaProcesses renga = new RengaProcesses();
  /** One origin per tenant: a tenant is the handler URL's origin. */
  private static final FixtureServer good = new FixtureServer();
  private static final FixtureServer spinner = new FixtureServer();
  private static final FixtureServer allocator = new FixtureServer();
  private static final FixtureServer backtracker = new FixtureServer();
  private static final FixtureServer holder = new FixtureServer();
  private static String gateway;

  @BeforeAll
  static void start() {
    var started = renga.seedGateway("noisy-gateway", Map.of());
    gateway = started.url();
    for (int i = 0; i < 2; i++) {
      renga.launchedNode(
          "noisy-node-" + i, started.seeds(), Map.of("renga.sandbox.cpu-limit", "1s", "renga.sandbox.memory-limit", "128m"));
    }
    renga.awaitRouted(started, 2);
  }

  @AfterAll
  static void stop() {
    renga.close();
    List.of(good, spinner, allocator, backtracker, holder).forEach(FixtureServer::close);
  }

  /** An attacker sending batches of {@code fixture} at {@code concurrency} until told to stop (at most 50 batches). */
  private static CompletableFuture<Integer> attack(
      FixtureServer tenant, String fixture, int concurrency, AtomicBoolean stop) {
    AtomicInteger sent = new AtomicInteger();
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              for (int batch = 0; batch < 50 && !stop.get(); batch++) {
                Load.run(concurrency, concurrency, i -> Load.request(gateway, tenant.url(fixture)));
                sent.addAndGet(concurrency);
              }
              done.complete(sent.get());
            });
    return done;
  }

  @Test
  void goodTenantGetsNoErrorWhileFourAttackersRun() throws Exception {
    Load.run(50, 4, i -> Load.request(gateway, good.url("hello.js")));
    var alone = Load.run(GOOD_REQUESTS, 1, i -> Load.request(gateway, good.url("hello.js")));
    assertEquals(List.of(), alone.stream().filter(r -> !r.ok()).toList());

    AtomicBoolean stop = new AtomicBoolean();
    List<CompletableFuture<Integer>> attackers = new ArrayList<>();
    attackers.add(attack(spinner, "loop.js", 6, stop));
    attackers.add(attack(allocator, "memory-bomb.js", 2, stop));
    attackers.add(attack(backtracker, "redos-backreference.js", 2, stop));
    attackers.add(attack(holder, "holds.js", 500, stop));
    List<Load.Result> attacked;
    try {
      attacked = Load.run(GOOD_REQUESTS, 1, i -> Load.request(gateway, good.url("hello.js")));
    } finally {
      stop.set(true);
    }
    int attackRequests = 0;
    for (var attacker : attackers) {
      attackRequests += attacker.get(120, TimeUnit.SECONDS);
    }
    System.out.printf(
        "noisy-neighbour: good tenant alone p50 %d ms p99 %d ms; with attackers (%d attack requests) p50 %d ms p99 %d ms, %d errors%n",
        Load.percentile(alone, 50), Load.percentile(alone, 99), attackRequests,
        Load.percentile(attacked, 50), Load.percentile(attacked, 99), attacked.stream().filter(r -> !r.ok()).count());
    assertEquals(List.of(), attacked.stream().filter(r -> !r.ok()).toList());
    assertEquals(GOOD_REQUESTS, attacked.size());
  }
}
