package zloop;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The futures of {@link EventLoop#asCompleted}, handed out in the order they complete: asyncio's
 * {@code as_completed} with Python 3.13's semantics, where iterating yields the original futures
 * (so a caller can tell which one finished) rather than stand-ins. Each future is handed out once
 * it is done; reading its outcome ({@link Future#join()}) is then immediate.
 *
 * <pre>{@code
 * for (Task<String> t : loop.asCompleted(tasks)) {   // in a task: each next() parks until one is done
 *   use(t.join());
 * }
 * }</pre>
 *
 * <p>With a timeout, the futures that completed before the deadline are handed out first; the
 * next call after that fails with a {@link java.util.concurrent.TimeoutException}, and iteration
 * ends there ({@link #hasNext()} turns {@code false}). The futures still pending are not cancelled.
 * An iterator, and its own {@link Iterable}: it can be walked once. Loop thread.
 *
 * @param <F> the type of the futures
 */
public interface AsCompleted<F extends Future<?>> extends Iterator<F>, Iterable<F> {

  /**
   * Whether a future (or the timeout) remains to be handed out. Never waits.
   *
   * @return {@code true} while futures are left and the timeout has not been reported
   */
  @Override
  boolean hasNext();

  /**
   * A future that completes with the next future to be done, in completion order, or fails with a
   * {@link java.util.concurrent.TimeoutException} when the deadline passes first. For callbacks;
   * in a task, {@link #next()} is the same thing joined. Cancelling the returned future gives up
   * that place: the next call receives the future it would have received.
   *
   * @return the future of the next done future
   * @throws NoSuchElementException if nothing remains ({@link #hasNext()} is {@code false})
   */
  Future<F> nextDone();

  /**
   * Parks the current task until the next future is done and returns it: {@code
   * nextDone().join()}, with that method's exception rules (a timeout arrives as {@code join()}
   * reports a {@link java.util.concurrent.TimeoutException}).
   *
   * @return the next future to be done
   * @throws NoSuchElementException if nothing remains
   */
  @Override
  F next();

  /**
   * This iterator itself, so that it can be used in a for-each loop, once.
   *
   * @return {@code this}
   */
  @Override
  default Iterator<F> iterator() {
    return this;
  }
}
