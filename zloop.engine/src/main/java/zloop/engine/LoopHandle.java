package zloop.engine;

import zloop.Handle;

/**
 * A user callback scheduled with {@code callSoon}: the handle it returns and the ready queue's
 * entry in one object. Its one field is the callback; {@code null} means cancelled, so a handle is
 * 16 bytes (compressed oops), the least an object with a reference can be. A handle queued from
 * another thread is a {@link ThreadSafeHandle}, which adds the cross-thread inbox's link.
 */
public class LoopHandle extends Callback implements Handle {
  /** The callback to run; {@code null} once cancelled (the captures go now, not at its turn). */
  private Runnable callback;

  public LoopHandle(Runnable callback) {
    this.callback = java.util.Objects.requireNonNull(callback, "callback");
  }

  @Override
  public void run() {
    Runnable c = callback;
    if (c != null) {
      c.run();
    }
  }

  @Override
  public void cancel() {
    callback = null;
  }

  @Override
  public boolean isCancelled() {
    return callback == null;
  }

  @Override
  Handle handleForReport() {
    return this;
  }

  @Override
  public String toString() {
    Runnable c = callback;
    return "Handle[" + (c == null ? "cancelled" : String.valueOf(c)) + "]";
  }
}
