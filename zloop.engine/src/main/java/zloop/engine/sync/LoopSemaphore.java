package zloop.engine.sync;

import zloop.engine.Loop;
import zloop.sync.Semaphore;

/** asyncio's {@code Semaphore}: any number of releases. */
class LoopSemaphore extends Permits implements Semaphore {

  LoopSemaphore(Loop loop, int permits) {
    super(loop, checkedPermits(permits));
  }

  static int checkedPermits(int permits) {
    if (permits < 0) {
      throw new IllegalArgumentException("Semaphore initial value must be >= 0, not " + permits);
    }
    return permits;
  }

  @Override
  String overReleased(int freeNow) {
    return null;
  }

  @Override
  public final int available() {
    return free();
  }

  String kind() {
    return "Semaphore";
  }

  @Override
  public final String toString() {
    return describe(kind(), locked() ? "locked" : "unlocked, value:" + free());
  }
}
