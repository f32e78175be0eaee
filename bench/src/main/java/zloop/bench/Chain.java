package zloop.bench;

import java.util.concurrent.Executor;

/**
 * A callback that schedules itself again until it has run {@code n} times, then fires {@code
 * atEnd}: a chain of {@code n} dependent hops through a loop's queue, the callback-style
 * equivalent of a task that yields {@code n} times. Loop thread only.
 */
final class Chain implements Runnable {
  private final int n;
  private final Executor next;
  private final Runnable atEnd;
  private int count;

  Chain(int n, Executor next, Runnable atEnd) {
    this.n = n;
    this.next = next;
    this.atEnd = atEnd;
  }

  @Override
  public void run() {
    if (++count < n) {
      next.execute(this);
    } else {
      atEnd.run();
    }
  }

  /** The count since the last take, and resets it. */
  int take() {
    int c = count;
    count = 0;
    return c;
  }
}
