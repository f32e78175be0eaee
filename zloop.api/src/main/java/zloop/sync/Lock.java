package zloop.sync;

/**
 * A mutual-exclusion lock for the tasks and callbacks of one loop: asyncio's {@code Lock}. Made by
 * {@link zloop.EventLoop#createLock()}.
 *
 * <p>{@link #release()} on an unlocked lock throws {@link IllegalStateException} ("Lock is not
 * acquired."). While the lock has waiters, a new {@link #acquire()} queues behind them; a release
 * hands the lock to the first waiter, so {@link #locked()} stays {@code true} meanwhile.
 */
public interface Lock extends Acquirable {}
