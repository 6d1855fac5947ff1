package dev.renga.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a serving node lets its launcher start the next standby before its compilers settle. */
class NodeMainTest {
  private static NodeStatus served(long quota, long requests) {
    NodeStatus status = new NodeStatus();
    status.quota(quota);
    for (long i = 0; i < requests; i++) {
      status.requestStarted();
    }
    return status;
  }

  @Test
  void theStandbyStartsOnceTheQuotaIsLessThanAWarmUpBudgetAwayAtTheRateServed() {
    Duration budget = Duration.ofSeconds(180);
    // 2,000 requests in 1 s against a quota of 20,000: 9 s left.
    assertTrue(NodeMain.quotaWithin(served(20_000, 2_000), budget, Duration.ofSeconds(1)));
    // The default quota at the same rate: 1,000 s left; the compilers settle long before.
    assertFalse(NodeMain.quotaWithin(served(2_000_000, 2_000), budget, Duration.ofSeconds(1)));
    // 179 s left of a quota of 2,000,000 at 2,000 requests a second.
    assertTrue(NodeMain.quotaWithin(served(2_000_000, 1_642_000), budget, Duration.ofSeconds(821)));
    // No quota, or nothing served yet: no rate to go by.
    assertFalse(NodeMain.quotaWithin(served(0, 5_000), budget, Duration.ofSeconds(1)));
    assertFalse(NodeMain.quotaWithin(served(20_000, 0), budget, Duration.ofSeconds(1)));
  }
}
