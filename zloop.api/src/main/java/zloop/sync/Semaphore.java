package zloop.sync;

/**
 * A counting semaphore for the tasks and callbacks of one loop: asyncio's {@code Semaphore}. Made
 * by {@link zloop.EventLoop#createSemaphore(int)}.
 *
 * <p>{@link #acquire()} takes a permit, waiting (FIFO) while none is free or others already wait;
 * {@link #release()} gives one back, to the first waiter if there is one. {@link #locked()} is
 * {@code true} when no permit is free or a waiter is queued.
 */
public interface Semaphore extends Acquirable {

  /**
   * The number of free permits.
   *
   * @return the permits an acquire could take at once (0 while waiters are queued)
   */
  int available();
}
