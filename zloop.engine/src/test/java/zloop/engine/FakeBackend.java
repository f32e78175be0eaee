package zloop.engine;

import java.util.ArrayList;
import java.util.List;
import zloop.engine.spi.Backend;

/** A backend with no kernel behind it: a poll "sleeps" by advancing the manual clock. */
final class FakeBackend implements Backend {
  final ManualClock clock;
  final List<Long> pollTimeouts = new ArrayList<>();
  int wakeups;
  boolean closed;

  FakeBackend(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public int poll(long timeoutNanos) {
    pollTimeouts.add(timeoutNanos);
    if (timeoutNanos < 0) {
      throw new AssertionError("the loop would block forever");
    }
    clock.now += timeoutNanos;
    return 0;
  }

  @Override
  public void wakeup() {
    wakeups++;
  }

  @Override
  public void close() {
    closed = true;
  }
}
