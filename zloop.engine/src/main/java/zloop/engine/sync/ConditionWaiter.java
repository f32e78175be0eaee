package zloop.engine.sync;

import java.util.function.BooleanSupplier;
import zloop.engine.task.LoopFuture;

/**
 * One {@link LoopCondition#await()} (or {@code waitFor}) in flight: queued on the condition, then,
 * once signalled or cancelled, queued on the lock; it ends only when it holds the lock again, as
 * asyncio's {@code Condition.wait} re-acquires the lock even when cancelled.
 *
 * <p>So {@link #cancel} does not end it at once: it leaves the condition's queue and ends
 * cancelled once the lock is held (a waiting task stays parked until then, as for {@code
 * waitFor}'s future). A waiter that was signalled and then cancelled passes the signal on to the
 * next waiter, here or in {@link #join()} and the {@code get} methods (cancelled after it completed): asyncio's {@code
 * self._notify(1)} on the way out.
 */
final class ConditionWaiter extends LoopFuture<Void> {
  private final LoopCondition condition;
  /** {@code waitFor}'s predicate, checked each time the lock is held again; or {@code null}. */
  private final BooleanSupplier predicate;

  private boolean relocking;
  private boolean signalled;
  private boolean cancelRequested;
  private String cancelMessage;
  private boolean completedNormally;

  ConditionWaiter(LoopCondition condition, BooleanSupplier predicate) {
    super(condition.loop);
    this.condition = condition;
    this.predicate = predicate;
  }

  /** Called by the condition, which already took it off its queue. */
  void signalled() {
    signalled = true;
    relock();
  }

  private void relock() {
    relocking = true;
    condition.lock.acquireThen(this::relocked);
  }

  /** The lock is held again. */
  private void relocked() {
    relocking = false;
    if (cancelRequested) {
      super.cancel(cancelMessage);
      if (signalled) {
        condition.wake(1); // the signal this waiter received is not used: hand it on
      }
      return;
    }
    if (predicate != null) {
      boolean holds;
      try {
        holds = predicate.getAsBoolean();
      } catch (RuntimeException | Error e) {
        tryFail(e); // with the lock held, as asyncio's wait_for leaves it
        return;
      }
      if (!holds) {
        signalled = false;
        condition.park(this); // wait for the next signal, letting go of the lock again
        return;
      }
    }
    completedNormally = tryComplete(null);
  }

  @Override
  public boolean cancel(String message) {
    if (!loop.inLoopThread() || isDone()) {
      return super.cancel(message); // hops to the loop and back here; or false when done
    }
    if (!cancelRequested) {
      cancelRequested = true;
      cancelMessage = message;
      if (!relocking) {
        condition.unpark(this);
        relock();
      }
    }
    return true;
  }

  /**
   * A wait that completed, then saw its task cancelled before it resumed, hands the signal on, on
   * the condition's loop (a task of another loop may have waited on this future).
   */
  @Override
  protected void waitEndedCancelled() {
    if (!completedNormally) {
      return;
    }
    if (loop.inLoopThread()) {
      condition.wake(1);
    } else {
      loop.callSoonThreadSafe(() -> condition.wake(1));
    }
  }

  @Override
  public String toString() {
    return "ConditionWaiter" + (isDone() ? "[done]" : relocking ? "[relocking]" : "[waiting]");
  }
}
