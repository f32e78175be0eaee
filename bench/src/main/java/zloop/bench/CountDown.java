package zloop.bench;

/**
 * A callback that fires {@code atEnd} when it has run {@code n} times: the way a batch of timers
 * ends its loop's run (zloop: {@code loop::stop}; Netty: a {@link Signal}). Loop thread only.
 */
final class CountDown implements Runnable {
  private final int n;
  private final Runnable atEnd;
  private int count;

  CountDown(int n, Runnable atEnd) {
    this.n = n;
    this.atEnd = atEnd;
  }

  @Override
  public void run() {
    if (++count == n) {
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
