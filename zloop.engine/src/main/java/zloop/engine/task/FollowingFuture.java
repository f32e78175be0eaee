package zloop.engine.task;

import zloop.engine.Loop;

/**
 * A future whose outcome follows other futures (gather's children, waitFor's inner future): a
 * cancellation is passed on to them on the loop thread, and this one ends when they do.
 */
abstract class FollowingFuture<T> extends LoopFuture<T> {

  FollowingFuture(Loop loop) {
    super(loop);
  }

  /**
   * Passes the cancellation on to the followed futures.
   *
   * @return whether any of them accepted it; {@code false} when this future is done already
   */
  @Override
  public final boolean cancel(String message) {
    if (!loop.inLoopThread()) {
      return super.cancel(message); // hops to the loop thread and comes back here
    }
    return !isDone() && cancelFollowed(message);
  }

  /** Cancels what this future follows; whether any of it accepted. Loop thread, not done. */
  abstract boolean cancelFollowed(String message);

  /** Ends this future as cancelled, once what it follows was (not passed on again). */
  final void cancelItself(String message) {
    super.cancel(message);
  }
}
