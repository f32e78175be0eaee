package zloop.bench;

import java.util.concurrent.TimeUnit;

/**
 * The end of a batch run on another thread: the loop runs it ({@link #run}) and the benchmark
 * thread spins on it ({@link #await}). Spinning, not parking, keeps the benchmark thread's own
 * wake-up latency out of the numbers. After a short spin it also yields the CPU at each check: when
 * the scheduler wakes the loop thread on the benchmark thread's CPU (wake-affine), a pure spin
 * would hold that CPU for a whole time slice (milliseconds per batch, seen on 2 cores).
 */
final class Signal implements Runnable {
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int PURE_SPINS = 1 << 10;

  private volatile boolean done;

  /** Arms the signal before a batch is submitted. */
  void reset() {
    done = false;
  }

  /** Fires the signal; called on the loop thread, after the batch. */
  @Override
  public void run() {
    done = true;
  }

  /** Waits for the signal; fails rather than hang the whole JMH run if the loop never fires it. */
  @SuppressWarnings("ThreadPriorityCheck") // yield is the point: see the class comment
  void await() {
    long start = System.nanoTime();
    int spins = 0;
    while (!done) {
      if (++spins < PURE_SPINS) {
        Thread.onSpinWait();
        continue;
      }
      Thread.yield();
      if ((spins & 0xFFF) == 0 && System.nanoTime() - start > TIMEOUT_NANOS) {
        throw new IllegalStateException("the loop did not finish the batch within 10 s");
      }
    }
  }
}
