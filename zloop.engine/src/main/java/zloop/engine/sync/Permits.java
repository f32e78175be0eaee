package zloop.engine.sync;

import java.util.ArrayDeque;
import zloop.Future;
import zloop.engine.Loop;
import zloop.sync.Acquirable;
import zloop.sync.Held;

/**
 * Permits handed out first come, first served: the one mechanism behind {@link LoopLock} (one
 * permit, releasing a free one is an error), {@link LoopSemaphore} and {@link
 * LoopBoundedSemaphore}.
 *
 * <p>Invariant: a queued waiter means no permit is free. A release with waiters hands the permit
 * straight to the first one (asyncio instead frees it and lets the woken task take it when it
 * runs, with a no-barging check on acquire; handing over gives the same order without the window).
 */
abstract class Permits extends Primitive implements Acquirable {
  private final ArrayDeque<Grant<Void>> waiters = new ArrayDeque<>();
  private int free;

  Permits(Loop loop, int permits) {
    super(loop);
    this.free = permits;
  }

  /** Why a release with every permit already free is refused, or {@code null} to allow it. */
  abstract String overReleased(int freeNow);

  @Override
  public final Future<Void> acquire() {
    checkLoop();
    if (free > 0) {
      free--; // free > 0 implies no waiters: newcomers never overtake them
      return completed(null);
    }
    Grant<Void> g = new Grant<>(loop, this);
    waiters.add(g);
    return g;
  }

  /** Acquires for the engine itself (a condition taking its lock back): no future to return. */
  final void acquireThen(Runnable then) {
    if (free > 0) {
      free--;
      then.run();
    } else {
      waiters.add(new Grant<>(loop, this, then));
    }
  }

  @Override
  public final void release() {
    checkLoop();
    String refusal = overReleased(free);
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
    handOn();
  }

  private void handOn() {
    Grant<Void> next = waiters.poll();
    if (next == null) {
      free++;
    } else {
      next.grant(null);
    }
  }

  @Override
  public final boolean locked() {
    return free == 0;
  }

  @Override
  public final Held hold() {
    checkLoop();
    checkMayWait("hold()");
    acquire().join();
    return new HeldOnce(this);
  }

  final int free() {
    return free;
  }

  final int waiterCount() {
    return waiters.size();
  }

  @Override
  public final void withdrawn(Grant<?> grant) {
    waiters.remove(grant);
  }

  @Override
  public final void givenUp(Grant<?> grant, Object value) {
    handOn(); // the permit it was handed goes to the next waiter, or back to the pool
  }

  final String describe(String kind, String state) {
    int n = waiters.size();
    return kind + "[" + state + (n > 0 ? ", waiters:" + n : "") + "]";
  }
}
