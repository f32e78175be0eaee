package zloop.engine.task;

import java.time.Duration;
import java.util.function.Consumer;
import zloop.Future;
import zloop.Handle;
import zloop.engine.Loop;

/**
 * {@code asyncio.wait_for} as a future: it mirrors the inner future and ends only when the inner
 * one does, whether the deadline or a caller cancelled it. So a waiter never resumes while the
 * inner task is still running its cancellation handlers.
 *
 * <p>The outcome follows {@code asyncio.timeout}: when the inner future ends cancelled because the
 * deadline passed, and no one else asked to cancel, it fails with a {@link
 * java.util.concurrent.TimeoutException} caused by that cancellation; a caller's cancellation wins
 * over the deadline; a value or failure the inner future ends with instead (it swallowed the
 * cancellation) is passed on as it is.
 */
final class WaitForFuture<T> extends FollowingFuture<T> implements Consumer<Future<T>> {
  private final LoopFuture<T> inner;
  private final Duration timeout;
  private Handle expiry;
  private boolean expired;
  /** Whether a caller's {@link #cancel} reached the inner future: it wins over the deadline. */
  private boolean cancelRequested;

  private WaitForFuture(Loop loop, LoopFuture<T> inner, Duration timeout) {
    super(loop);
    this.inner = inner;
    this.timeout = timeout;
  }

  static <T> WaitForFuture<T> of(Loop loop, LoopFuture<T> inner, Duration timeout) {
    WaitForFuture<T> outer = new WaitForFuture<>(loop, inner, timeout);
    if (inner.isDone()) {
      outer.accept(inner); // done already: its outcome, whatever the timeout (even zero)
      return outer;
    }
    inner.addDoneCallback(outer);
    if (Deadline.hasPassed(timeout)) {
      // Cancel now rather than on the next turn, so a task that has not started never starts
      // (asyncio's wait_for special case for a timeout of zero or less).
      outer.expire();
    } else {
      outer.expiry = Deadline.schedule(loop, timeout, outer::expire);
    }
    return outer;
  }

  private void expire() {
    expired = true;
    // If the inner future completed in this same turn, cancel fails and its outcome wins.
    inner.cancel(Deadline.cancelMessage(timeout));
  }

  /** The inner future is done. */
  @Override
  public void accept(Future<T> done) {
    if (expiry != null) {
      expiry.cancel();
    }
    if (inner.isCancelled()) {
      if (expired && !cancelRequested) {
        tryFail(Deadline.expired(timeout, inner.cancellation()));
      } else {
        cancelItself(inner.cancelMessage());
      }
    } else if (inner.exception() != null) {
      tryFail(inner.exception());
    } else {
      tryComplete(inner.result());
    }
  }

  /**
   * Cancels the inner future; this one ends when the inner one does.
   *
   * @return whether the inner future accepted the cancellation
   */
  @Override
  boolean cancelFollowed(String message) {
    if (inner.cancel(message)) {
      cancelRequested = true;
      return true;
    }
    return false;
  }

  @Override
  String describe() {
    return "WaitFor";
  }
}
