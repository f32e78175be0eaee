/**
 * Synchronization primitives for tasks and callbacks of one loop: asyncio's {@code Lock}, {@code
 * Event}, {@code Condition}, {@code Semaphore}, {@code BoundedSemaphore}, {@code Barrier} and
 * {@code Queue} (FIFO, LIFO, priority), made by the {@code create...} factories of {@link
 * zloop.EventLoop}.
 *
 * <h2>Loop affinity</h2>
 *
 * A primitive belongs to the loop that made it and is used on that loop's thread (from its tasks
 * and callbacks; before the loop runs, from the thread that sets it up). Used from a task or
 * callback of another loop it throws {@link IllegalStateException} ("... is bound to a different
 * event loop"); from any other thread while its loop runs it throws the loop's own thread error.
 * Nothing here is thread-safe, and nothing needs to be: the loop runs one thing at a time.
 *
 * <h2>Tasks and callbacks</h2>
 *
 * Every operation that may wait returns a {@link zloop.Future}: a callback adds a done callback, a
 * task calls {@link zloop.Future#join()} ({@code lock.acquire().join()}), or uses {@link
 * Acquirable#hold()} in a try-with-resources statement: {@code try (Held held = lock.hold()) {...}}.
 *
 * <h2>Fairness and cancellation (asyncio's rules)</h2>
 *
 * Waiters are served first come, first served, and a newcomer never overtakes a waiter (no
 * barging): while a lock, semaphore or queue has waiters, an acquire, a get or a put queues behind
 * them. What a waiter waits for is handed to it when it becomes available: a released lock goes
 * to the first waiter, so it stays {@link Acquirable#locked() locked} (asyncio shows it unlocked
 * until the woken task runs). Cancelling a waiting future withdraws it. A task cancelled after its
 * future was completed but before it resumed (asyncio's "cancelled while being woken") gets the
 * {@link java.util.concurrent.CancellationException} from {@code join()}, and what it was handed
 * is passed on, so no wake-up is lost: the lock or permit goes to the next waiter, a queue item
 * goes back to the head of the queue (or to the next getter), an item a put had added is taken
 * back if no one has taken it yet, and a condition's notification goes to the next waiter.
 */
package zloop.sync;
