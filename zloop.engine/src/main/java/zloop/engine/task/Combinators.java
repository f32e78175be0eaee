package zloop.engine.task;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import zloop.Future;
import zloop.TimerHandle;
import zloop.engine.Loop;

/** asyncio's task helpers on loop futures: sleep, gather, wait_for, timeout, wrap_future. */
public final class Combinators {
  private Combinators() {}

  public static <T> Future<T> sleep(Loop loop, Duration delay, T value) {
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
      yieldInTask();
      return super.join();
    }

    @Override
    public T get() throws InterruptedException, java.util.concurrent.ExecutionException {
      yieldInTask();
      return super.get();
    }

    @Override
    public T get(long timeout, java.util.concurrent.TimeUnit unit)
        throws InterruptedException,
            java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
      yieldInTask();
      return super.get(timeout, unit);
    }

    private void yieldInTask() {
      LoopTask<?> task = LoopTask.current();
      if (task != null && task.loop == loop) {
        task.yieldOnce();
      }
    }
  }

  @SuppressWarnings("unchecked") // without returnExceptions every entry is a child's value
  public static <T> Future<List<T>> gather(Loop loop, List<? extends Future<? extends T>> futures) {
    Future<?> outer = gather(loop, futures, false);
    return (Future<List<T>>) outer;
  }

  public static Future<List<Object>> gather(
      Loop loop, List<? extends Future<?>> futures, boolean returnExceptions) {
    return GatherFuture.of(loop, LoopFuture.asLoopFutures(futures, loop), returnExceptions);
  }

  public static <T> Future<T> waitFor(Loop loop, Future<T> future, Duration timeout) {
    java.util.Objects.requireNonNull(future, "future");
    @SuppressWarnings("unchecked") // asLoopFutures keeps the element, only checks its loop
    LoopFuture<T> inner = (LoopFuture<T>) LoopFuture.asLoopFutures(List.of(future), loop).get(0);
    return WaitForFuture.of(loop, inner, timeout);
  }

  public static <T> T withTimeout(Loop loop, Duration timeout, Callable<T> body) throws Exception {
    return TimeoutScope.run(loop, timeout, body);
  }

  public static <T> Future<T> wrap(Loop loop, CompletionStage<T> stage) {
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
