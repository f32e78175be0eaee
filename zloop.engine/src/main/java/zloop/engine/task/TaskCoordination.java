package zloop.engine.task;

import java.time.Duration;
import java.util.Collection;
import zloop.AsCompleted;
import zloop.Future;
import zloop.ReturnWhen;
import zloop.TaskGroup;
import zloop.Timeout;
import zloop.WaitResult;
import zloop.engine.Loop;

/**
 * The loop's entry points to asyncio's task coordination tools: task groups, {@code wait}, {@code
 * as_completed}, {@code shield} and timeout scopes. Each lives in its own class of this package.
 */
public final class TaskCoordination {
  private TaskCoordination() {}

  public static TaskGroup taskGroup(Loop loop) {
    return LoopTaskGroup.open(loop);
  }

  public static <T> T withTaskGroup(Loop loop, TaskGroup.Body<T> body) {
    java.util.Objects.requireNonNull(body, "body");
    return LoopTaskGroup.runBlock(loop, body);
  }

  public static <F extends Future<?>> Future<WaitResult<F>> wait(
      Loop loop, Collection<? extends F> futures, ReturnWhen returnWhen, Duration timeout) {
    loop.checkThread();
    return WaitFuture.of(loop, futures, returnWhen, timeout);
  }

  public static <F extends Future<?>> AsCompleted<F> asCompleted(
      Loop loop, Collection<? extends F> futures, Duration timeout) {
    return AsCompletedFutures.of(loop, futures, timeout);
  }

  public static <T> Future<T> shield(Loop loop, Future<T> future) {
    return ShieldFuture.of(loop, future);
  }

  public static Timeout timeout(Loop loop, Duration delay) {
    return TimeoutScope.after(loop, delay);
  }

  public static Timeout timeoutAt(Loop loop, long deadlineNanos) {
    return TimeoutScope.at(loop, deadlineNanos);
  }

  public static Timeout timeoutNever(Loop loop) {
    return TimeoutScope.never(loop);
  }
}
