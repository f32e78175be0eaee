package zloop.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import zloop.Future;
import zloop.TimerHandle;

/** asyncio's task helpers on loop futures: sleep, gather, wait_for, timeout, wrap_future. */
final class Combinators {
  private Combinators() {}

  static <T> Future<T> sleep(Loop loop, Duration delay, T value) {
    if (delay.isZero() || delay.isNegative()) {
      return new YieldFuture<>(loop, value);
    }
    LoopFuture<T> f = new LoopFuture<>(loop);
    TimerHandle timer = loop.callLater(delay, () -> f.tryComplete(value));
    f.addDoneCallback(
        done -> {
          if (done.isCancelled()) {
            timer.cancel();
          }
        });
    return f;
  }

  /**
   * {@code sleep(0)}: done at once, and joining it from a task of its loop yields exactly one turn
   * (asyncio's bare {@code yield}), instead of the two a timer-completed future would take.
   */
  private static final class YieldFuture<T> extends LoopFuture<T> {
    YieldFuture(Loop loop, T value) {
      super(loop);
      tryComplete(value);
    }

    @Override
    public T join() {
      LoopTask<?> task = LoopTask.current();
      if (task != null && task.loop == loop) {
        task.yieldOnce();
      }
      return super.join();
    }
  }

  static <T> Future<List<T>> gather(Loop loop, List<? extends Future<? extends T>> futures) {
    List<LoopFuture<?>> children = LoopFuture.asLoopFutures(futures, loop);
    LoopFuture<List<T>> outer = new GatherFuture<>(loop, children);
    if (children.isEmpty()) {
      outer.tryComplete(List.of());
      return outer;
    }
    int[] remaining = {children.size()};
    for (LoopFuture<?> child : children) {
      child.addDoneCallback(
          done -> {
            if (outer.isDone()) {
              return;
            }
            if (done.isCancelled()) {
              outer.cancel(((LoopFuture<?>) done).cancelMessage());
              return;
            }
            Throwable failure = done.exception();
            if (failure != null) {
              outer.tryFail(failure);
              return;
            }
            if (--remaining[0] == 0) {
              outer.tryComplete(collect(children));
            }
          });
    }
    return outer;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> collect(List<LoopFuture<?>> children) {
    List<T> values = new ArrayList<>(children.size());
    for (LoopFuture<?> c : children) {
      values.add((T) c.result());
    }
    return Collections.unmodifiableList(values);
  }

  /** gather's future: cancelling it cancels every child. */
  private static final class GatherFuture<T> extends LoopFuture<List<T>> {
    private final List<LoopFuture<?>> children;

    GatherFuture(Loop loop, List<LoopFuture<?>> children) {
      super(loop);
      this.children = children;
    }

    @Override
    public boolean cancel(String message) {
      if (!loop.inLoopThread()) {
        return super.cancel(message);
      }
      if (isDone()) {
        return false;
      }
      boolean any = false;
      for (LoopFuture<?> c : children) {
        any |= c.cancel(message);
      }
      if (!any) {
        return super.cancel(message);
      }
      return true; // the first cancelled child cancels this future
    }
  }

  static <T> Future<T> waitFor(Loop loop, Future<T> future, Duration timeout) {
    LoopFuture<T> inner = (LoopFuture<T>) LoopFuture.asLoopFutures(List.of(future), loop).get(0);
    LoopFuture<T> outer = new LoopFuture<>(loop);
    boolean[] timedOut = {false};
    TimerHandle timer =
        loop.callLater(
            timeout,
            () -> {
              timedOut[0] = true;
              // If inner finished in this same turn, cancel fails and its result wins.
              inner.cancel("waitFor timed out");
            });
    inner.addDoneCallback(
        done -> {
          timer.cancel();
          if (outer.isDone()) {
            return;
          }
          if (done.isCancelled()) {
            if (timedOut[0]) {
              outer.tryFail(new TimeoutException("waitFor timed out after " + timeout));
            } else {
              outer.cancel(inner.cancelMessage());
            }
          } else if (done.exception() != null) {
            outer.tryFail(done.exception());
          } else {
            outer.tryComplete(done.result());
          }
        });
    outer.addDoneCallback(
        done -> {
          if (done.isCancelled()) {
            inner.cancel(((LoopFuture<?>) done).cancelMessage());
          }
        });
    return outer;
  }

  static <T> T withTimeout(Loop loop, Duration timeout, Callable<T> body) throws Exception {
    LoopTask<?> task = LoopTask.current();
    if (task == null || task.loop != loop) {
      throw new IllegalStateException("withTimeout must be called from a task of this loop");
    }
    boolean[] expired = {false};
    boolean withdrawn = false;
    TimerHandle timer =
        loop.callLater(
            timeout,
            () -> {
              expired[0] = true;
              task.cancel("timeout");
            });
    try {
      return body.call();
    } catch (CancellationException e) {
      if (expired[0]) {
        withdrawn = true;
        if (task.uncancel() > 0) {
          throw e; // someone else cancelled the task too: their cancellation wins
        }
        TimeoutException te = new TimeoutException("timed out after " + timeout);
        te.initCause(e);
        throw te;
      }
      throw e;
    } finally {
      timer.cancel();
      if (expired[0] && !withdrawn) {
        // The deadline passed but the body finished first: withdraw our request.
        task.uncancel();
      }
    }
  }

  static <T> Future<T> wrap(Loop loop, CompletionStage<T> stage) {
    LoopFuture<T> f = new LoopFuture<>(loop);
    var cf = stage.toCompletableFuture();
    cf.whenComplete(
        (value, failure) -> {
          try {
            if (failure == null) {
              f.setResult(value);
            } else {
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof CancellationException ce) {
                f.cancel(ce.getMessage());
              } else {
                f.setException(cause);
              }
            }
          } catch (zloop.EventLoopClosedException | zloop.InvalidStateException e) {
            // the loop is gone, or the future was settled on the loop side first
          }
        });
    f.addDoneCallback(
        done -> {
          if (done.isCancelled()) {
            cf.cancel(false);
          }
        });
    return f;
  }
}
