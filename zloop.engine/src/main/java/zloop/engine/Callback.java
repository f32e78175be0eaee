package zloop.engine;

/**
 * Something the loop runs: an entry of the ready queue. It has no fields, so an object that is
 * already there (a future with one done callback, a task's carrier) can be its own queue entry and
 * scheduling allocates nothing. The ready queue also takes a bare {@link Runnable} ({@link
 * Loop#execute}); the cross-thread {@link Inbox} takes {@link ThreadSafeHandle}s, which carry its
 * link.
 */
public abstract class Callback {

  /** Runs on the loop thread. Exceptions go to the loop's exception handler. */
  public abstract void run();

  /** The user-visible handle for error reports, or {@code null} for internal callbacks. */
  zloop.Handle handleForReport() {
    return null;
  }

  /**
   * What error reports and slow-callback warnings name this callback by: itself (its {@code
   * toString}), unless the object is also something else (a future) that describes its run apart.
   */
  public Object describedAs() {
    return this;
  }
}
