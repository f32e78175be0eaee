package zloop;

import java.util.Set;

/**
 * What {@link EventLoop#wait(java.util.Collection, ReturnWhen)} found: asyncio's {@code (done,
 * pending)} pair. Both sets are unmodifiable, hold the futures themselves (compared by identity,
 * as futures do not override {@code equals}) and keep the order in which they were given.
 *
 * @param <F> the type of the futures waited on
 * @param done the futures that were done when the wait completed
 * @param pending the futures that were not; they were neither cancelled nor otherwise touched
 */
public record WaitResult<F extends Future<?>>(Set<F> done, Set<F> pending) {

  /**
   * Copies both sets as unmodifiable ones.
   *
   * @param done the done futures
   * @param pending the pending futures
   */
  public WaitResult {
    done = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(done));
    pending = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(pending));
  }
}
