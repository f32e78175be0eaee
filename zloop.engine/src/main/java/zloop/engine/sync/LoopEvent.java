package zloop.engine.sync;

import java.util.ArrayDeque;
import zloop.Future;
import zloop.engine.Loop;
import zloop.sync.Event;

/** asyncio's {@code Event}: {@link #set()} completes every pending wait. */
final class LoopEvent extends Primitive implements Event {
  private final ArrayDeque<Grant<Void>> waiters = new ArrayDeque<>();
  private boolean set;

  LoopEvent(Loop loop) {
    super(loop);
  }

  @Override
  public boolean isSet() {
    return set;
  }

  @Override
  public void set() {
    checkLoop();
    if (set) {
      return;
    }
    set = true;
    Grant<Void> g;
    while ((g = waiters.poll()) != null) {
      g.grant(null);
    }
  }

  @Override
  public void clear() {
    checkLoop();
    set = false;
  }

  @Override
  public Future<Void> await() {
    checkLoop();
    if (set) {
      return completed(null);
    }
    Grant<Void> g = new Grant<>(loop, this);
    waiters.add(g);
    return g;
  }

  @Override
  public void withdrawn(Grant<?> grant) {
    waiters.remove(grant);
  }

  @Override
  public String toString() {
    int n = waiters.size();
    return "Event[" + (set ? "set" : "unset") + (n > 0 ? ", waiters:" + n : "") + "]";
  }
}
