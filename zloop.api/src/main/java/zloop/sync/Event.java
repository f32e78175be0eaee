package zloop.sync;

import zloop.Future;

/**
 * A flag that tasks and callbacks of one loop wait for: asyncio's {@code Event}. Made by {@link
 * zloop.EventLoop#createEvent()}; it starts clear.
 */
public interface Event {

  /**
   * Whether the flag is set.
   *
   * @return {@code true} once {@link #set()} was called and not {@link #clear() cleared} since
   */
  boolean isSet();

  /** Sets the flag and completes every waiting future. Setting it again does nothing. */
  void set();

  /** Clears the flag: later waits wait for the next {@link #set()}. */
  void clear();

  /**
   * Waits for the flag: asyncio's {@code Event.wait()} (renamed: {@code Object.wait()} is final).
   *
   * @return a future completed at once if the flag is set, else at the next {@link #set()};
   *     cancelling it withdraws the wait
   * @throws IllegalStateException if called from another loop or thread
   */
  Future<Void> await();
}
