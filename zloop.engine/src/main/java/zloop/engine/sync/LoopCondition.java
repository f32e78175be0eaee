package zloop.engine.sync;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import zloop.Future;
import zloop.engine.Loop;
import zloop.sync.Condition;
import zloop.sync.Held;

/**
 * asyncio's {@code Condition} over a {@link LoopLock}: {@link #await()} releases the lock, waits for
 * a signal, and completes only once it holds the lock again, whether signalled or cancelled
 * ({@link ConditionWaiter} carries each wait through those steps).
 */
final class LoopCondition extends Primitive implements Condition {
  final LoopLock lock;
  private final ArrayDeque<ConditionWaiter> waiters = new ArrayDeque<>();

  LoopCondition(Loop loop, LoopLock lock) {
    super(loop);
    this.lock = lock;
  }

  @Override
  public Future<Void> acquire() {
    return lock.acquire();
  }

  @Override
  public void release() {
    lock.release();
  }

  @Override
  public boolean locked() {
    return lock.locked();
  }

  @Override
  public Held hold() {
    return lock.hold();
  }

  @Override
  public Future<Void> await() {
    return startWait(null);
  }

  @Override
  public Future<Void> waitFor(BooleanSupplier predicate) {
    Objects.requireNonNull(predicate, "predicate");
    checkLoop();
    if (predicate.getAsBoolean()) {
      return completed(null); // before the lock check, as asyncio's wait_for
    }
    return startWait(predicate);
  }

  private Future<Void> startWait(BooleanSupplier predicate) {
    checkLoop();
    requireLocked("cannot wait on un-acquired lock");
    ConditionWaiter w = new ConditionWaiter(this, predicate);
    park(w);
    return w;
  }

  /** Queues the waiter and lets go of the lock, as one step. */
  void park(ConditionWaiter w) {
    waiters.add(w);
    lock.release();
  }

  void unpark(ConditionWaiter w) {
    waiters.remove(w);
  }

  @Override
  public void signal() {
    signal(1);
  }

  @Override
  public void signal(int n) {
    checkLoop();
    requireLocked("cannot notify on un-acquired lock");
    wake(n);
  }

  @Override
  public void signalAll() {
    signal(Integer.MAX_VALUE);
  }

  /** Wakes up to {@code n} waiters, first come first; no lock check (passing a wake-up on). */
  void wake(int n) {
    for (int i = 0; i < n; i++) {
      ConditionWaiter w = waiters.poll();
      if (w == null) {
        return;
      }
      w.signalled();
    }
  }

  private void requireLocked(String message) {
    if (!lock.locked()) {
      throw new IllegalStateException(message);
    }
  }

  @Override
  public void withdrawn(Grant<?> grant) {
    // Its waiters are ConditionWaiters, which leave through unpark.
  }

  @Override
  public String toString() {
    int n = waiters.size();
    return "Condition["
        + (lock.locked() ? "locked" : "unlocked")
        + (n > 0 ? ", waiters:" + n : "")
        + "]";
  }
}
