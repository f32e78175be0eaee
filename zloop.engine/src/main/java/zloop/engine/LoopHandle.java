package zloop.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import zloop.Handle;

/**
 * A user callback scheduled with {@code callSoon}: the node the ready queue holds, and the node of
 * the cross-thread {@link Inbox} ({@code callSoonThreadSafe}): the {@code next} link makes the inbox
 * intrusive, so scheduling from another thread allocates nothing beyond the handle.
 */
public class LoopHandle extends Callback implements Handle {
  static final VarHandle NEXT;

  static {
    try {
      NEXT = MethodHandles.lookup().findVarHandle(LoopHandle.class, "next", LoopHandle.class);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Inbox link; only {@link Inbox} touches it. */
  @SuppressWarnings("unused")
  volatile LoopHandle next;

  private Runnable callback;
  private boolean cancelled;

  public LoopHandle(Runnable callback) {
    this.callback = callback;
  }

  @Override
  public void run() {
    Runnable c = callback;
    if (!cancelled && c != null) {
      c.run();
    }
  }

  @Override
  public void cancel() {
    if (!cancelled) {
      cancelled = true;
      callback = null; // let the callback's captures go now, not when the queue gets to it
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  Handle handleForReport() {
    return this;
  }

  @Override
  public String toString() {
    Runnable c = callback;
    return "Handle[" + (cancelled ? "cancelled" : String.valueOf(c)) + "]";
  }
}
