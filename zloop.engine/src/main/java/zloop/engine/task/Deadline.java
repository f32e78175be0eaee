package zloop.engine.task;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import zloop.Handle;
import zloop.engine.Loop;

/**
 * The timeout rules {@code waitFor} and {@code withTimeout} share (asyncio's {@code
 * timeouts.Timeout}, which {@code wait_for} is built on since Python 3.12): no timeout for {@code
 * null}, expiry on the next turn for zero or less, and one way to report expiry.
 */
final class Deadline {
  private Deadline() {}

  /**
   * Schedules the expiry: {@code null} when there is no timeout, {@code callSoon} when it is zero
   * or negative (the deadline has passed: it expires as soon as the caller lets the loop run).
   */
  static Handle schedule(Loop loop, Duration timeout, Runnable expire) {
    if (timeout == null) {
      return null;
    }
    if (hasPassed(timeout)) {
      return loop.callSoon(expire);
    }
    return loop.callLater(timeout, expire);
  }

  /** Whether a timeout is zero or negative: its deadline is now or in the past. */
  static boolean hasPassed(Duration timeout) {
    return timeout != null && (timeout.isZero() || timeout.isNegative());
  }

  /** What the caller sees when the deadline ended the work: caused by the cancellation it used. */
  static TimeoutException expired(Duration timeout, CancellationException cause) {
    TimeoutException e = new TimeoutException("timed out after " + timeout);
    e.initCause(cause);
    return e;
  }

  /** The cancellation message a deadline sends to the work it stops. */
  static String cancelMessage(Duration timeout) {
    return "deadline of " + timeout + " expired";
  }
}
