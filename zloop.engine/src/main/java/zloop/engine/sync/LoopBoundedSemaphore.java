package zloop.engine.sync;

import zloop.engine.Loop;
import zloop.sync.BoundedSemaphore;

/** asyncio's {@code BoundedSemaphore}: a release above the initial value is an error. */
final class LoopBoundedSemaphore extends LoopSemaphore implements BoundedSemaphore {
  private final int bound;

  LoopBoundedSemaphore(Loop loop, int permits) {
    super(loop, permits);
    this.bound = permits;
  }

  @Override
  String overReleased(int freeNow) {
    return freeNow >= bound ? "BoundedSemaphore released too many times" : null;
  }

  @Override
  String kind() {
    return "BoundedSemaphore";
  }
}
