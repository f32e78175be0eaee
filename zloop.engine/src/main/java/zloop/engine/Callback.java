package zloop.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Something the loop runs: a node of the ready queue and of the cross-thread {@link Inbox}. The
 * {@code next} link makes the inbox intrusive, so scheduling allocates nothing beyond the node.
 */
public abstract class Callback {
  static final VarHandle NEXT;

  static {
    try {
      NEXT = MethodHandles.lookup().findVarHandle(Callback.class, "next", Callback.class);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Inbox link; only {@link Inbox} touches it. */
  @SuppressWarnings("unused")
  volatile Callback next;

  /** Runs on the loop thread. Exceptions go to the loop's exception handler. */
  public abstract void run();

  /** The user-visible handle for error reports, or {@code null} for internal callbacks. */
  zloop.Handle handleForReport() {
    return null;
  }
}
