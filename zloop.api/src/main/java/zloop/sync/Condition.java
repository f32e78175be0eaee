package zloop.sync;

import java.util.function.BooleanSupplier;
import zloop.Future;

/**
 * A condition variable for the tasks and callbacks of one loop: asyncio's {@code Condition}. Made
 * by {@link zloop.EventLoop#createCondition()} (with a lock of its own) or {@link
 * zloop.EventLoop#createCondition(Lock)} (sharing a lock). Its {@link #acquire()}, {@link
 * #release()}, {@link #locked()} and {@link #hold()} are those of its lock.
 *
 * <p>asyncio's {@code wait}, {@code notify} and {@code notify_all} are named {@link #await()},
 * {@link #signal()} and {@link #signalAll()} here, as in {@code java.util.concurrent.locks}: {@code
 * Object}'s {@code wait} and {@code notify} are final.
 *
 * <p>A waiter that is cancelled still gets the lock back before its future ends (cancelled), so a
 * task's {@code try (Held held = cond.hold())} always releases a lock it holds. A waiter that was
 * notified and then cancelled passes the notification on to the next waiter (which may see it as
 * a spurious wake-up, as asyncio allows).
 */
public interface Condition extends Acquirable {

  /**
   * Releases the lock, waits until notified, and takes the lock again: asyncio's {@code
   * Condition.wait()}. The lock must be held.
   *
   * @return a future that completes, with the lock held again, after a {@link #signal} reached
   *     this waiter; cancelled, it ends once the lock is held again
   * @throws IllegalStateException if the lock is not held ("cannot wait on un-acquired lock"), or
   *     if called from another loop or thread
   */
  Future<Void> await();

  /**
   * Waits until the predicate holds: asyncio's {@code Condition.wait_for}. The predicate is checked
   * now, and again with the lock held after each notification. The lock must be held, unless the
   * predicate already holds (asyncio checks it first).
   *
   * @param predicate the condition to wait for, checked on the loop thread with the lock held
   * @return a future that completes, with the lock held, once the predicate returned {@code true};
   *     it fails, with the lock held, if the predicate throws
   * @throws IllegalStateException if the lock is not held and the predicate does not hold yet, or
   *     if called from another loop or thread
   */
  Future<Void> waitFor(BooleanSupplier predicate);

  /**
   * Wakes the first waiter: asyncio's {@code notify()}. The lock must be held; a woken waiter
   * resumes only once it takes the lock again.
   *
   * @throws IllegalStateException if the lock is not held ("cannot notify on un-acquired lock")
   */
  void signal();

  /**
   * Wakes up to {@code n} waiters, in the order they started waiting: asyncio's {@code notify(n)}.
   *
   * @param n how many waiters to wake at most
   * @throws IllegalStateException if the lock is not held
   */
  void signal(int n);

  /**
   * Wakes every waiter: asyncio's {@code notify_all()}.
   *
   * @throws IllegalStateException if the lock is not held
   */
  void signalAll();
}
