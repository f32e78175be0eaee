package zloop.sync;

import zloop.Future;

/**
 * What a {@link Lock}, a {@link Semaphore} and a {@link Condition} share: acquire, release, and a
 * try-with-resources hold. Not owned by a task: any task or callback of the loop may release what
 * another acquired (asyncio's rule).
 */
public interface Acquirable {

  /**
   * Acquires, now if possible, else after the waiters already queued (FIFO).
   *
   * @return a future that completes once acquired; cancelling it while it waits withdraws the
   *     request
   * @throws IllegalStateException if called from another loop or thread (see the package notes)
   */
  Future<Void> acquire();

  /**
   * Releases, handing over to the first waiter if there is one.
   *
   * @throws IllegalStateException if there is nothing to release (an unlocked lock, a bounded
   *     semaphore at its bound), or if called from another loop or thread
   */
  void release();

  /**
   * Whether {@link #acquire()} would have to wait now.
   *
   * @return {@code true} if an acquire would wait
   */
  boolean locked();

  /**
   * Acquires, waiting in the current task, and returns a hold whose {@link Held#close()} releases:
   * {@code try (Held held = lock.hold()) { ... }}. If the task is cancelled while it waits, the
   * {@link java.util.concurrent.CancellationException} propagates and nothing stays acquired.
   *
   * @return the hold, to close exactly once
   * @throws IllegalStateException on the loop thread outside a task (waiting there would block the
   *     loop; callbacks use {@link #acquire()}), or from another loop or thread
   * @throws java.util.concurrent.CancellationException if the task is cancelled while it waits
   */
  Held hold();
}
