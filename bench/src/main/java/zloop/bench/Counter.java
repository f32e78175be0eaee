package zloop.bench;

/**
 * The no-op callback of the benchmarks: it only counts, on the loop thread, so a benchmark can
 * check that the whole batch ran. Read it after a {@link Signal}, which publishes the count.
 */
final class Counter implements Runnable {
  private int count;

  @Override
  public void run() {
    count++;
  }

  /** The count since the last take, and resets it. */
  int take() {
    int c = count;
    count = 0;
    return c;
  }
}
