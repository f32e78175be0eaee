package zloop.engine.task;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import zloop.AsCompleted;
import zloop.Future;
import zloop.Handle;
import zloop.engine.Loop;

/**
 * {@code asyncio.as_completed} (3.13): done futures queue up in completion order and go to the
 * callers of {@link #nextDone()} in the order those calls were made. The timeout is one more
 * entry after the futures done before it: it fails the next caller and ends the iteration.
 */
final class AsCompletedFutures<F extends Future<?>> implements AsCompleted<F>, Consumer<Future<?>> {
  private final Loop loop;
  private final List<F> futures;
  /** Done futures not yet handed out, in completion order. */
  private final ArrayDeque<F> done = new ArrayDeque<>();
  /** Callers of {@link #nextDone()} still waiting, in call order. */
  private final ArrayDeque<LoopFuture<F>> waiters = new ArrayDeque<>();
  /** Futures (or the timeout) not yet promised to a caller. */
  private int unclaimed;
  /** How many of the futures are done (their callback ran). */
  private int completed;
  private boolean timedOut;
  private boolean timeoutReported;
  private final Duration timeout;
  private Handle expiry;

  private AsCompletedFutures(Loop loop, List<F> futures, Duration timeout) {
    this.loop = loop;
    this.futures = futures;
    this.unclaimed = futures.size();
    this.timeout = timeout;
  }

  static <F extends Future<?>> AsCompletedFutures<F> of(
      Loop loop, Iterable<? extends F> given, Duration timeout) {
    loop.checkThread();
    AsCompletedFutures<F> it =
        new AsCompletedFutures<>(loop, WaitFuture.distinctOfLoop(loop, given), timeout);
    for (F f : it.futures) {
      f.addDoneCallback(it);
    }
    if (timeout != null && !it.futures.isEmpty()) {
      it.expiry = loop.callLater(timeout, it::expire);
    }
    return it;
  }

  @Override
  public boolean hasNext() {
    return unclaimed > 0 && !timeoutReported;
  }

  @Override
  public Future<F> nextDone() {
    loop.checkThread();
    if (!hasNext()) {
      throw new NoSuchElementException("every future was handed out");
    }
    unclaimed--;
    LoopFuture<F> next = new LoopFuture<>(loop);
    F ready = done.poll();
    if (ready != null) {
      next.tryComplete(ready);
    } else if (timedOut) {
      failWithTimeout(next);
    } else {
      waiters.add(next);
      next.addDoneCallback(this::waiterDone);
    }
    return next;
  }

  @Override
  public F next() {
    return nextDone().join();
  }

  /** One of the futures is done: to the first caller still waiting, or into the queue. */
  @Override
  @SuppressWarnings("unchecked") // only our futures carry this callback
  public void accept(Future<?> future) {
    F f = (F) future;
    if (++completed == futures.size() && expiry != null) {
      expiry.cancel(); // every future is done: the timeout can no longer matter
      expiry = null;
    }
    LoopFuture<F> waiter;
    while ((waiter = waiters.poll()) != null) {
      if (waiter.tryComplete(f)) {
        return;
      }
    }
    done.add(f);
  }

  /** A caller gave up its place (cancelled its future): the place goes back to the pool. */
  private void waiterDone(Future<F> waiter) {
    if (waiter.isCancelled()) {
      waiters.remove(waiter);
      unclaimed++;
    }
  }

  private void expire() {
    expiry = null;
    timedOut = true;
    for (F f : futures) {
      if (!f.isDone()) {
        f.removeDoneCallback(this);
      }
    }
    LoopFuture<F> waiter;
    while ((waiter = waiters.poll()) != null) {
      failWithTimeout(waiter);
    }
  }

  private void failWithTimeout(LoopFuture<F> waiter) {
    timeoutReported = true;
    waiter.tryFail(new TimeoutException("asCompleted timed out after " + timeout));
  }

  @Override
  public String toString() {
    return "AsCompleted[" + futures.size() + " futures, " + unclaimed + " to hand out]";
  }
}
