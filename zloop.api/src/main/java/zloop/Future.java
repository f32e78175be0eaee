package zloop;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The eventual result of an operation, bound to one {@link EventLoop}: asyncio's {@code Future}.
 *
 * <p>Thread rules: every method may be called on the loop thread (including from tasks of that
 * loop). {@link #setResult}, {@link #setException} and {@link #cancel} may also be called from any
 * other thread: the completion then hops to the loop thread, so done callbacks always run there.
 * {@link #isDone()}, {@link #isCancelled()} and {@link #join()} may be called from any thread.
 *
 * <p>Done callbacks are scheduled with {@link EventLoop#callSoon} when the future completes (or
 * at once, when added to a future that is already done), in the order they were added; they never
 * run inside {@code setResult}. Completing a future never fails because a waiter's loop is gone.
 *
 * <p>A future (or task) that fails and becomes unreachable before anyone read its exception ({@link
 * #result}, {@link #exception}, {@link #join}, a combinator, {@link #toCompletableFuture}) or
 * cancelled it is reported to its loop's {@link ExceptionHandler} with the message "Future
 * exception was never retrieved" ("Task exception was never retrieved" for a task), the exception,
 * and no future (it is gone): asyncio's {@code __del__} report, here made by a {@link
 * java.lang.ref.Cleaner} when the future is collected, so it comes at a GC-dependent moment. The
 * report is handed to the loop thread; for a loop already closed it goes to the default handler's
 * log. Only failed futures are watched: a future that succeeds, or whose failure is read, costs
 * nothing.
 *
 * @param <T> the result type
 */
public interface Future<T> {

  /** The loop this future belongs to. */
  EventLoop loop();

  /** Whether the future has a result, an exception, or was cancelled. */
  boolean isDone();

  /** Whether the future was cancelled. */
  boolean isCancelled();

  /**
   * The result.
   *
   * @throws CancellationException if the future was cancelled
   * @throws CompletionException wrapping the exception the future failed with
   * @throws InvalidStateException if the future is not done yet
   */
  T result();

  /**
   * The exception the future failed with, or {@code null} if it succeeded.
   *
   * @throws CancellationException if the future was cancelled
   * @throws InvalidStateException if the future is not done yet
   */
  Throwable exception();

  /**
   * Completes the future with a value.
   *
   * @throws InvalidStateException on the loop thread, if the future is already done; from another
   *     thread the call hops to the loop, where a future that is already cancelled ignores it
   */
  void setResult(T value);

  /**
   * Completes the future with a failure.
   *
   * @throws InvalidStateException as for {@link #setResult}
   */
  void setException(Throwable exception);

  /** Cancels the future with no message. */
  default boolean cancel() {
    return cancel(null);
  }

  /**
   * Cancels the future: it becomes done and cancelled, and its callbacks are scheduled.
   *
   * @param message carried by the {@link CancellationException} that readers see, or {@code null}
   * @return {@code false} if the future was already done (from another thread: {@code true} once
   *     the request is queued)
   */
  boolean cancel(String message);

  /**
   * Adds a callback that receives this future once it is done. Loop thread only.
   *
   * @return the callback, for {@link #removeDoneCallback}
   */
  Consumer<? super Future<T>> addDoneCallback(Consumer<? super Future<T>> callback);

  /**
   * Removes every registration of the callback (by identity). Loop thread only.
   *
   * @return how many registrations were removed
   */
  int removeDoneCallback(Consumer<? super Future<T>> callback);

  /**
   * Waits for the future and returns its result, the blocking style of {@code await}.
   *
   * <p>Inside a {@link Task} of any loop the task parks and its loop runs other work meanwhile. On
   * another thread that is not a loop thread, the thread blocks. On a loop thread outside a task it
   * throws, since waiting there would block the event loop forever.
   *
   * @throws CancellationException if the future was cancelled, or the waiting task was
   * @throws CompletionException wrapping a checked exception the future failed with; unchecked
   *     exceptions are rethrown as they are
   * @throws IllegalStateException on a loop thread outside a task ("would block the event loop")
   */
  T join();

  /**
   * A {@link CompletableFuture} that completes (on the loop thread) when this future does.
   * Cancelling the returned future does not cancel this one.
   */
  CompletableFuture<T> toCompletableFuture();
}
