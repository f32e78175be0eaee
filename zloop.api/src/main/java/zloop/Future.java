package zloop;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The eventual result of an operation, bound to one {@link EventLoop}: asyncio's {@code Future},
 * and a {@link java.util.concurrent.Future}, so it passes wherever the JDK's is expected.
 *
 * <h2>Thread rules</h2>
 *
 * Every method may be called on the loop thread (including from tasks of that loop). {@link
 * #setResult}, {@link #setException} and the {@code cancel} methods may also be called from any
 * other thread: the completion then hops to the loop thread, so done callbacks always run there.
 * {@link #isDone()}, {@link #isCancelled()}, {@link #state()}, {@link #join()}, the {@code get}
 * methods, {@link #resultNow()} and {@link #exceptionNow()} may be called from any thread.
 *
 * <h2>Exception model</h2>
 *
 * One rule for every way of reading a failed future, the JDK's own:
 *
 * <ul>
 *   <li>{@link #join()} and {@link #result()} throw as {@link CompletableFuture#join()} does: a
 *       failure arrives as a {@link CompletionException} whose cause is the exception the future
 *       failed with, checked or unchecked alike (a failure that is itself a {@code
 *       CompletionException} is thrown as it is, not wrapped twice, and so is a {@link
 *       CancellationException} that a future failed with, as {@link EventLoop#gather} does for a
 *       cancelled child);
 *   <li>{@link #get()} and {@link #get(long, TimeUnit)} throw an {@link ExecutionException} with
 *       the same cause, as every {@link java.util.concurrent.Future} does;
 *   <li>{@link #exception()} and {@link #exceptionNow()} return the exception itself;
 *   <li>cancellation is always a {@link CancellationException}, thrown bare (never wrapped), by
 *       every reading method.
 * </ul>
 *
 * So {@code catch (CompletionException e)} around a {@code join()} sees every failure, and {@code
 * e.getCause()} is what {@link #exception()} returns.
 *
 * <h2>Cancellation</h2>
 *
 * {@link #cancel()}, {@link #cancel(String)} and the JDK's {@link #cancel(boolean)} are one
 * operation: the boolean (whether to interrupt a running thread) is ignored, since a future has no
 * thread and a {@link Task} learns of its cancellation at its next wait. Called on the loop
 * thread, a plain future's cancel is immediate, as the JDK's contract says (done and cancelled
 * when it returns {@code true}). Called from another thread it is a request that hops to the
 * loop: {@code true} means queued, and the future becomes done when the loop runs it. A task's
 * cancel is always a request (asyncio's rule): the task ends cancelled only if its body lets the
 * {@link CancellationException} out.
 *
 * <h2>Done callbacks</h2>
 *
 * Done callbacks are scheduled with {@link EventLoop#callSoon} when the future completes (or at
 * once, when added to a future that is already done), in the order they were added; they never run
 * inside {@code setResult}. Completing a future never fails because a waiter's loop is gone.
 *
 * <h2>Unretrieved failures</h2>
 *
 * A future (or task) that fails and becomes unreachable before anyone read its exception ({@link
 * #result}, {@link #exception}, {@link #join}, {@link #get()}, {@link #exceptionNow}, a
 * combinator, {@link #toCompletableFuture}) or cancelled it is reported to its loop's {@link
 * ExceptionHandler} with the message "Future exception was never retrieved" ("Task exception was
 * never retrieved" for a task), the exception, and no future (it is gone): asyncio's {@code
 * __del__} report, here made by a {@link java.lang.ref.Cleaner} when the future is collected, so it
 * comes at a GC-dependent moment. The report is handed to the loop thread; for a loop already
 * closed it goes to the default handler's log. Only failed futures are watched: a future that
 * succeeds, or whose failure is read, costs nothing.
 *
 * <h2>Name clash with {@code java.util.concurrent}</h2>
 *
 * A file that imports both {@code zloop.*} and {@code java.util.concurrent.*} on demand cannot
 * use the simple name {@code Future}: it is ambiguous. Add the single-type import {@code import
 * zloop.Future;}, which wins over both on-demand imports.
 *
 * @param <T> the result type
 */
public interface Future<T> extends java.util.concurrent.Future<T> {

  /**
   * The loop this future belongs to.
   *
   * @return the loop
   */
  EventLoop loop();

  /**
   * Whether the future has a result, an exception, or was cancelled. Any thread.
   *
   * @return {@code true} once the future is done
   */
  @Override
  boolean isDone();

  /**
   * Whether the future was cancelled. Any thread.
   *
   * @return {@code true} if the future ended cancelled
   */
  @Override
  boolean isCancelled();

  /**
   * The future's state in the JDK's terms: {@link State#RUNNING} while pending (asyncio's
   * "pending", for a task that has not started too), then {@link State#SUCCESS}, {@link
   * State#FAILED} or {@link State#CANCELLED}. Any thread; never blocks.
   *
   * @return the state
   */
  @Override
  State state();

  /**
   * The result of a done future, without waiting: asyncio's {@code result()}.
   *
   * @return the value the future succeeded with
   * @throws CancellationException if the future was cancelled
   * @throws CompletionException whose cause is the exception the future failed with (see the
   *     exception model above)
   * @throws InvalidStateException if the future is not done yet
   */
  T result();

  /**
   * The exception the future failed with, or {@code null} if it succeeded: asyncio's {@code
   * exception()}.
   *
   * @return the exception, or {@code null}
   * @throws CancellationException if the future was cancelled
   * @throws InvalidStateException if the future is not done yet
   */
  Throwable exception();

  /**
   * The JDK's non-blocking read of a successful future.
   *
   * @return the value the future succeeded with
   * @throws IllegalStateException if the future is not done, failed, or was cancelled
   */
  @Override
  T resultNow();

  /**
   * The JDK's non-blocking read of a failed future. Counts as retrieving the exception.
   *
   * @return the exception the future failed with
   * @throws IllegalStateException if the future is not done, succeeded, or was cancelled
   */
  @Override
  Throwable exceptionNow();

  /**
   * Completes the future with a value.
   *
   * @param value the result
   * @throws InvalidStateException on the loop thread, if the future is already done; from another
   *     thread the call hops to the loop, where a future that is already cancelled ignores it
   */
  void setResult(T value);

  /**
   * Completes the future with a failure.
   *
   * @param exception the failure; not a {@link CancellationException} (cancel instead)
   * @throws InvalidStateException as for {@link #setResult}
   * @throws IllegalArgumentException if {@code exception} is a {@link CancellationException}
   */
  void setException(Throwable exception);

  /**
   * Cancels the future with no message.
   *
   * @return as {@link #cancel(String)}
   */
  default boolean cancel() {
    return cancel((String) null);
  }

  /**
   * The JDK's cancel: the same as {@link #cancel()}. The flag is ignored (see "Cancellation"
   * above).
   *
   * @param mayInterruptIfRunning ignored: no thread is interrupted
   * @return as {@link #cancel(String)}
   */
  @Override
  default boolean cancel(boolean mayInterruptIfRunning) {
    return cancel((String) null);
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
   * @param callback called with this future on the loop thread
   * @return the callback, for {@link #removeDoneCallback}
   */
  Consumer<? super Future<T>> addDoneCallback(Consumer<? super Future<T>> callback);

  /**
   * Removes every registration of the callback (by identity). Loop thread only.
   *
   * @param callback a callback given to {@link #addDoneCallback}
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
   * @return the value the future succeeded with
   * @throws CancellationException if the future was cancelled, or the waiting task was, or the
   *     waiting thread (a task's too) was interrupted while the future was pending: then the
   *     interrupt status stays set and the future is left alone
   * @throws CompletionException whose cause is the exception the future failed with, checked or
   *     unchecked (see the exception model above)
   * @throws IllegalStateException on a loop thread outside a task ("would block the event loop")
   */
  T join();

  /**
   * The JDK's blocking read: waits as {@link #join()} does (a task parks, another thread blocks, a
   * loop thread outside a task is refused) and reports a failure as an {@link
   * ExecutionException}. In a task it is {@code join()} with the JDK's exceptions: cancelling the
   * waiting task cancels this future, as {@code join()} does.
   *
   * @return the value the future succeeded with
   * @throws CancellationException if the future was cancelled, or the waiting task was
   * @throws ExecutionException whose cause is the exception the future failed with
   * @throws InterruptedException if the waiting thread was interrupted; the future is left alone
   * @throws IllegalStateException on a loop thread outside a task ("would block the event loop")
   */
  @Override
  T get() throws InterruptedException, ExecutionException;

  /**
   * {@link #get()} with a limit on the wait. When the time is up this future is left alone (not
   * cancelled, unlike {@link EventLoop#waitFor}): only the wait ends.
   *
   * @param timeout how long to wait at most; zero or less: do not wait
   * @param unit the unit of {@code timeout}
   * @return the value the future succeeded with
   * @throws CancellationException if the future was cancelled, or the waiting task was
   * @throws ExecutionException whose cause is the exception the future failed with
   * @throws InterruptedException if the waiting thread was interrupted; the future is left alone
   * @throws TimeoutException if the future is not done in time
   * @throws IllegalStateException on a loop thread outside a task ("would block the event loop")
   */
  @Override
  T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException;

  /**
   * A {@link CompletableFuture} view that completes (on the loop thread) when this future does.
   * Cancellation goes both ways: this future's cancellation cancels the view, and cancelling the
   * view cancels this future (as {@link #cancel()} would, from whatever thread the view was
   * cancelled on). Completing the view in any other way does not touch this future.
   *
   * @return a new view; reading a failure through it counts as retrieving the exception
   */
  CompletableFuture<T> toCompletableFuture();
}
