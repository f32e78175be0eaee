package zloop.engine.sync;

import zloop.sync.Acquirable;
import zloop.sync.Held;

/** A hold that releases once: a second {@link #close()} must not release someone else's turn. */
final class HeldOnce implements Held {
  private final Acquirable acquired;
  private boolean released;

  HeldOnce(Acquirable acquired) {
    this.acquired = acquired;
  }

  @Override
  public void close() {
    if (!released) {
      released = true;
      acquired.release();
    }
  }
}
