package zloop.engine.task;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import zloop.Handle;
import zloop.engine.Loop;

/**
 * {@code async with asyncio.timeout(d)}: runs a body in the current task and cancels the task when
 * the deadline passes. The cancellation that then leaves the body becomes a {@link
 * java.util.concurrent.TimeoutException} only if this scope's request is the only one made since
 * it was entered: {@link LoopTask#cancelling()} compared with its value on entry, as asyncio does,
 * so a cancellation the task swallowed before entering does not turn a timeout into a
 * cancellation, and a caller's cancellation during the body is never mistaken for a timeout.
 */
final class TimeoutScope {
  private final LoopTask<?> task;
  private final Duration timeout;
  private final int cancellingOnEntry;
  private Handle expiry;
  /** The deadline passed and this scope's cancellation request is not withdrawn yet. */
  private boolean requestPending;

  private TimeoutScope(LoopTask<?> task, Duration timeout) {
    this.task = task;
    this.timeout = timeout;
    this.cancellingOnEntry = task.cancelling();
  }

  static <T> T run(Loop loop, Duration timeout, Callable<T> body) throws Exception {
    LoopTask<?> task = LoopTask.current();
    if (task == null || task.loop != loop) {
      throw new IllegalStateException("withTimeout must be called from a task of this loop");
    }
    TimeoutScope scope = new TimeoutScope(task, timeout);
    scope.expiry = Deadline.schedule(loop, timeout, scope::expire);
    try {
      return body.call();
    } catch (CancellationException e) {
      if (scope.exit()) {
        throw Deadline.expired(timeout, e);
      }
      throw e;
    } finally {
      scope.exit();
    }
  }

  private void expire() {
    requestPending = true;
    task.cancel(Deadline.cancelMessage(timeout));
  }

  /**
   * Leaves the scope (once; later calls do nothing): stops the timer and, if the deadline passed,
   * withdraws this scope's cancellation request.
   *
   * @return whether the deadline passed and no other cancellation was requested meanwhile
   */
  private boolean exit() {
    if (expiry != null) {
      expiry.cancel();
      expiry = null;
    }
    if (!requestPending) {
      return false;
    }
    requestPending = false;
    return task.uncancel() <= cancellingOnEntry;
  }
}
