package zloop.engine;

/** A clock that moves only when told to. */
final class ManualClock implements Clock {
  long now = 1_000_000_000L;

  @Override
  public long nanoTime() {
    return now;
  }
}
