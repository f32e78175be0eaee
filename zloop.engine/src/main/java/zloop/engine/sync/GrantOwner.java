package zloop.engine.sync;

/** The primitive a {@link Grant} waits on: told when the grant leaves the queue. Loop thread. */
interface GrantOwner {

  /** The grant was cancelled while it waited: take it out of the waiters. */
  void withdrawn(Grant<?> grant);

  /**
   * The grant was completed with {@code value}, but its task was cancelled before it resumed and
   * will not use it: pass the wake-up (lock, permit, item, notification) on.
   */
  void givenUp(Grant<?> grant, Object value);
}
