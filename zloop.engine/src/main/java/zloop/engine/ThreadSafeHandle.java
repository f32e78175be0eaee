package zloop.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A handle scheduled from another thread ({@code callSoonThreadSafe}, {@code execute} off the
 * loop): the node of the cross-thread {@link Inbox}. The {@code next} link makes the inbox
 * intrusive, so scheduling from another thread allocates nothing beyond the handle; handles
 * made on the loop thread do without the link.
 */
public class ThreadSafeHandle extends LoopHandle {
  static final VarHandle NEXT;

  static {
    try {
      NEXT =
          MethodHandles.lookup()
              .findVarHandle(ThreadSafeHandle.class, "next", ThreadSafeHandle.class);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Inbox link; only {@link Inbox} touches it. */
  @SuppressWarnings("unused")
  volatile ThreadSafeHandle next;

  public ThreadSafeHandle(Runnable callback) {
    super(callback);
  }
}
