package zloop.engine.sync;

import zloop.engine.Loop;
import zloop.engine.task.LoopFuture;

/**
 * A waiter's future: completed by its primitive when what it waits for is handed to it.
 *
 * <p>Two events send it back to its owner. Cancelled while it waits, it is {@linkplain
 * GrantOwner#withdrawn withdrawn} at once (from {@link #onDone()}, on the loop thread). Completed,
 * and then its task cancelled before it resumed, {@link #join()} throws the cancellation as every
 * future does, and the grant is {@linkplain GrantOwner#givenUp given up}, so the owner passes it on
 * instead of losing it: asyncio's {@code except CancelledError} branches in {@code Lock.acquire},
 * {@code Semaphore.acquire}, {@code Queue.get} and {@code Queue.put}.
 */
class Grant<T> extends LoopFuture<T> {
  private final GrantOwner owner;
  /** Run once the grant is handed over (the condition's re-lock), or {@code null}. */
  private final Runnable onGranted;
  private boolean granted;

  Grant(Loop loop, GrantOwner owner) {
    this(loop, owner, null);
  }

  Grant(Loop loop, GrantOwner owner, Runnable onGranted) {
    super(loop);
    this.owner = owner;
    this.onGranted = onGranted;
  }

  /** Hands the value over; the grant is pending (owners keep only pending grants queued). */
  final void grant(T value) {
    if (tryComplete(value)) {
      granted = true;
      if (onGranted != null) {
        onGranted.run();
      }
    }
  }

  @Override
  public void onDone() {
    if (isCancelled()) {
      owner.withdrawn(this);
    }
  }

  /** Its waiting task was cancelled after the grant: the grant goes back to the owner. */
  @Override
  protected void waitEndedCancelled() {
    if (granted) {
      giveUp();
    }
  }

  private void giveUp() {
    T value = report();
    if (loop.inLoopThread()) {
      owner.givenUp(this, value);
    } else {
      // A task of another loop joined this grant: the owner is this loop's, so hop there.
      loop.callSoonThreadSafe(() -> owner.givenUp(this, value));
    }
  }
}
