package dev.renga.node.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a serving node tells its launcher that the next standby may start, and when it calls itself warm. */
class CompilerSettlingTest {
  private static WarmUpSettings settings(Duration budget, double maxCompileShare, int settledRounds) {
    return new WarmUpSettings(budget, Duration.ofMillis(50), 2, maxCompileShare, settledRounds, 0.25);
  }

  @Test
  void aRoundCountsAsSettledOnlyUnderTheShareAndOnlyInARow() {
    CompilerSettling never = new CompilerSettling(settings(Duration.ofSeconds(60), -1, 1));
    assertFalse(never.endRound());
    assertFalse(never.endRound());
    CompilerSettling always = new CompilerSettling(settings(Duration.ofSeconds(60), Double.MAX_VALUE, 3));
    assertFalse(always.endRound());
    assertFalse(always.endRound());
    assertTrue(always.endRound());
  }

  @Test
  void theStandbyMayStartOnceTheCompilersSettleTheQuotaIsHalfServedOrTheBudgetIsSpent() throws InterruptedException {
    CountDownLatch settled = new CountDownLatch(2);
    CompilerSettling.watch(
        settings(Duration.ofSeconds(60), Double.MAX_VALUE, 2), () -> false, settled::countDown, settled::countDown);
    assertTrue(settled.await(30, TimeUnit.SECONDS), "settled compilers were not reported as due and warm");

    CountDownLatch budget = new CountDownLatch(2);
    CompilerSettling.watch(settings(Duration.ofMillis(300), -1, 2), () -> false, budget::countDown, budget::countDown);
    assertTrue(budget.await(30, TimeUnit.SECONDS), "the budget did not end the wait for compilers that never settle");

    CountDownLatch off = new CountDownLatch(2);
    CompilerSettling.watch(settings(Duration.ZERO, -1, 2), () -> false, off::countDown, off::countDown);
    assertTrue(off.await(0, TimeUnit.SECONDS), "with the warm-up off the standby waits for nothing");
  }

  @Test
  void aNodePastHalfItsQuotaLetsTheStandbyStartButIsNotWarmUntilItsCompilersSettle() throws InterruptedException {
    CountDownLatch due = new CountDownLatch(1);
    CountDownLatch warm = new CountDownLatch(1);
    CompilerSettling.watch(settings(Duration.ofSeconds(60), -1, 2), () -> true, due::countDown, warm::countDown);
    assertTrue(due.await(30, TimeUnit.SECONDS), "a node past half its quota did not let the standby start");
    // Compilers that never settle within a 60 s budget: not warm yet.
    assertEquals(1, warm.getCount(), "a node was called warm because it was due");
  }
}
