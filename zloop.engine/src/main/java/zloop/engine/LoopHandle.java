package zloop.engine;

import zloop.Handle;

/** A user callback scheduled with {@code callSoon}: the node the ready queue holds. */
public class LoopHandle extends Callback implements Handle {
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
