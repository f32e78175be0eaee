package zloop;

import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * A deadline over a body of code in a task, which can be moved while the body runs: asyncio's
 * {@code Timeout} ({@code asyncio.timeout}, {@code timeout_at}). Made by {@link
 * EventLoop#timeout}, {@link EventLoop#timeoutAt} or {@link EventLoop#timeoutNever}, and used once
 * with {@link #run}:
 *
 * <pre>{@code
 * Timeout t = loop.timeout(Duration.ofSeconds(5));
 * String reply = t.run(() -> {
 *   String first = reader.readLine().join();
 *   t.reschedule(loop.time() + Duration.ofSeconds(1).toNanos()); // the rest must come quickly
 *   return first + reader.readLine().join();
 * });
 * }</pre>
 *
 * <p>When the deadline passes, the task is {@linkplain Task#cancel(String) cancelled}: the body
 * sees a {@link CancellationException} at the {@link Future#join()} it waits in (or its next one).
 * When that cancellation leaves the body, {@link #run} withdraws the request ({@link
 * Task#uncancel()}) and throws a {@link TimeoutException} caused by it, unless another cancellation
 * of the task was requested since {@code run} began ({@link Task#cancelling()} above its value on
 * entry): then the {@link CancellationException} goes on, so nested timeouts report only from the
 * outermost one that expired, and a caller's cancellation is never taken for a timeout. Any other
 * outcome of the body (a value, another exception) passes through as it is.
 *
 * <p>A deadline is a time on the loop's clock ({@link EventLoop#time()}); one at or before the
 * present expires on the loop's next turn. The state moves from created to active (in {@link
 * #run}), then to expired (the deadline passed while active) or finished; {@link #toString()}
 * names it. All methods are for the loop thread.
 */
public interface Timeout {

  /**
   * Runs the body in the current task under this deadline. Once per timeout.
   *
   * @param <T> the result type
   * @param body the code to bound
   * @return what the body returned
   * @throws TimeoutException if the deadline passed and its cancellation ended the body
   * @throws Exception whatever else the body threw
   * @throws IllegalStateException outside a task of the timeout's loop, or if this timeout was run
   *     already ("Timeout has already been entered")
   */
  <T> T run(Callable<T> body) throws Exception;

  /**
   * The deadline, on the loop's clock.
   *
   * @return the deadline in nanoseconds of {@link EventLoop#time()}, or empty if there is none
   */
  OptionalLong when();

  /**
   * Moves the deadline, earlier or later; one at or before the present expires on the next turn.
   * Any code on the loop thread may call it while the body runs (not only the body).
   *
   * @param deadlineNanos the new deadline on the loop's clock
   * @throws IllegalStateException if {@link #run} has not begun ("Timeout has not been entered"),
   *     or the deadline passed already or the body finished ("Cannot change state of ... Timeout")
   */
  void reschedule(long deadlineNanos);

  /**
   * Removes the deadline: the body runs without one ({@code reschedule(None)} in asyncio).
   *
   * @throws IllegalStateException as {@link #reschedule(long)}
   */
  void rescheduleNever();

  /**
   * Whether the deadline passed while the body ran, even if the body then swallowed the
   * cancellation or another cancellation won.
   *
   * @return {@code true} once expired
   */
  boolean expired();
}
