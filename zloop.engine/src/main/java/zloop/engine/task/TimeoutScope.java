package zloop.engine.task;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import zloop.Handle;
import zloop.Timeout;
import zloop.engine.Loop;

/**
 * asyncio's {@code Timeout}: a deadline over a body run in the current task, which cancels the task
 * when it passes. The cancellation that then leaves the body becomes a {@link TimeoutException}
 * only if this scope's request is the only one made since it was entered: {@link
 * LoopTask#cancelling()} compared with its value on entry, as asyncio does, so a cancellation the
 * task swallowed before entering does not turn a timeout into a cancellation, and a caller's
 * cancellation during the body is never mistaken for a timeout. {@code withTimeout} is this with a
 * fixed delay.
 */
final class TimeoutScope implements Timeout {

  private enum State {
    CREATED("created"),
    ACTIVE("active"),
    /** The deadline passed: the task was cancelled and the body has not left yet. */
    EXPIRING("expiring"),
    EXPIRED("expired"),
    FINISHED("finished");

    final String label;

    State(String label) {
      this.label = label;
    }
  }

  private final Loop loop;
  private State state = State.CREATED;
  private boolean hasDeadline;
  private long when;
  /** The delay the deadline came from, for messages; {@code null} once it was moved. */
  private Duration delay;
  private LoopTask<?> task;
  private int cancellingOnEntry;
  private Handle expiry;

  private TimeoutScope(Loop loop, boolean hasDeadline, long when, Duration delay) {
    this.loop = loop;
    this.hasDeadline = hasDeadline;
    this.when = when;
    this.delay = delay;
  }

  /** {@code asyncio.timeout(delay)}: the deadline is fixed now. */
  static TimeoutScope after(Loop loop, Duration delay) {
    java.util.Objects.requireNonNull(delay, "delay");
    return new TimeoutScope(loop, true, loop.time() + Loop.saturatedNanos(delay), delay);
  }

  /** {@code asyncio.timeout_at(when)}. */
  static TimeoutScope at(Loop loop, long deadlineNanos) {
    return new TimeoutScope(loop, true, deadlineNanos, null);
  }

  /** {@code asyncio.timeout(None)}. */
  static TimeoutScope never(Loop loop) {
    return new TimeoutScope(loop, false, 0, null);
  }

  @Override
  public <T> T run(Callable<T> body) throws Exception {
    loop.checkThread();
    if (state != State.CREATED) {
      throw new IllegalStateException("Timeout has already been entered");
    }
    LoopTask<?> current = LoopTask.current();
    if (current == null || current.loop != loop) {
      throw new IllegalStateException("Timeout should be used inside a task of its loop");
    }
    task = current;
    cancellingOnEntry = current.cancelling();
    state = State.ACTIVE;
    schedule();
    try {
      return body.call();
    } catch (CancellationException e) {
      if (exit()) {
        throw expired(e);
      }
      throw e;
    } finally {
      exit();
    }
  }

  @Override
  public OptionalLong when() {
    return hasDeadline ? OptionalLong.of(when) : OptionalLong.empty();
  }

  @Override
  public void reschedule(long deadlineNanos) {
    checkActive();
    hasDeadline = true;
    when = deadlineNanos;
    delay = null;
    schedule();
  }

  @Override
  public void rescheduleNever() {
    checkActive();
    hasDeadline = false;
    delay = null;
    schedule();
  }

  @Override
  public boolean expired() {
    return state == State.EXPIRING || state == State.EXPIRED;
  }

  private void checkActive() {
    loop.checkThread();
    if (state == State.CREATED) {
      throw new IllegalStateException("Timeout has not been entered");
    }
    if (state != State.ACTIVE) {
      throw new IllegalStateException("Cannot change state of " + state.label + " Timeout");
    }
  }

  /** Replaces the expiry timer by one for the current deadline; one now or past fires next turn. */
  private void schedule() {
    if (expiry != null) {
      expiry.cancel();
      expiry = null;
    }
    if (!hasDeadline) {
      return;
    }
    expiry = when - loop.time() <= 0 ? loop.callSoon(this::expire) : loop.callAt(when, this::expire);
  }

  private void expire() {
    expiry = null;
    state = State.EXPIRING;
    task.cancel(delay != null ? Deadline.cancelMessage(delay) : "the Timeout's deadline passed");
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
    if (state == State.ACTIVE) {
      state = State.FINISHED;
      return false;
    }
    if (state != State.EXPIRING) {
      return false;
    }
    state = State.EXPIRED;
    return task.uncancel() <= cancellingOnEntry;
  }

  private TimeoutException expired(CancellationException cause) {
    if (delay != null) {
      return Deadline.expired(delay, cause);
    }
    TimeoutException e = new TimeoutException("the Timeout's deadline passed");
    e.initCause(cause);
    return e;
  }

  @Override
  public String toString() {
    if (state != State.ACTIVE) {
      return "Timeout[" + state.label + "]";
    }
    return "Timeout[active when=" + (hasDeadline ? Long.toString(when) : "none") + "]";
  }
}
