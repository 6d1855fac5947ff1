package dev.renga.node.sandbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OldGenerationTest {
  /** The heap guard's trigger: the JVM says when the old generation crosses a fraction, without anyone polling. */
  @Test
  void tellsWhenTheOldGenerationCrossesAFractionOfTheHeap() throws Exception {
    double threshold = OldGeneration.fraction() + 0.02;
    var crossed = new CountDownLatch(1);
    List<long[]> kept = new ArrayList<>();
    try (var watch = OldGeneration.onCrossing(threshold, crossed::countDown)) {
      // 8 MiB arrays: large enough to be allocated in the old generation directly, as a memory bomb's are.
      while (OldGeneration.fraction() < threshold + 0.01) {
        kept.add(new long[1 << 20]);
      }
      assertTrue(crossed.await(10, TimeUnit.SECONDS), "no notification after " + kept.size() * 8 + " MiB");
    }
  }

  @Test
  void aRemovedActionIsNotCalled() throws Exception {
    double threshold = OldGeneration.fraction() + 0.02;
    var removed = new CountDownLatch(1);
    var kept = new CountDownLatch(1);
    List<long[]> held = new ArrayList<>();
    OldGeneration.onCrossing(threshold, removed::countDown).close();
    try (var watch = OldGeneration.onCrossing(threshold, kept::countDown)) {
      while (OldGeneration.fraction() < threshold + 0.01) {
        held.add(new long[1 << 20]);
      }
      assertTrue(kept.await(10, TimeUnit.SECONDS), "no notification after " + held.size() * 8 + " MiB");
      assertTrue(removed.getCount() == 1, "a removed action was called");
    }
  }
}
