package zloop.bench;

import java.util.Random;

/** The batch every benchmark handles per invocation, and helpers shared by the benchmarks. */
final class Batch {
  /** Operations per invocation: every benchmark reports per-operation time over this batch. */
  static final int N = 1000;

  private Batch() {}

  /** 0..n-1 in a fixed pseudo-random order: distinct timer offsets, inserted out of order. */
  static int[] shuffledOffsets(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    Random r = new Random(42); // fixed: every run inserts in the same order
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * Fails the invocation if the loop did not run the whole batch: a lost or doubled callback is an
   * engine bug, and a fast wrong benchmark is worse than a failed one.
   */
  static int expect(String what, int actual, int expected) {
    if (actual != expected) {
      throw new IllegalStateException(
          what + ": expected " + expected + " callbacks to run, but " + actual + " ran");
    }
    return actual;
  }

  /** Busy-waits until {@code System.nanoTime()} reaches the deadline (sub-microsecond waits). */
  static void spinUntil(long deadlineNanos) {
    while (System.nanoTime() - deadlineNanos < 0) {
      Thread.onSpinWait();
    }
  }
}
