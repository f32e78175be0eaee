package zloop.engine.sync;

import zloop.engine.Loop;
import zloop.sync.Lock;

/** asyncio's {@code Lock}: one permit; releasing it while it is free is an error. */
final class LoopLock extends Permits implements Lock {

  LoopLock(Loop loop) {
    super(loop, 1);
  }

  @Override
  String overReleased(int freeNow) {
    return freeNow > 0 ? "Lock is not acquired." : null;
  }

  @Override
  public String toString() {
    return describe("Lock", locked() ? "locked" : "unlocked");
  }
}
