package zloop.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import zloop.engine.spi.Backend;

/**
 * The coalesced wake-up: one atomic word, so that of all the threads that queue work while the
 * loop waits for I/O, only one pokes the backend. This is the engine's side of waking the loop;
 * how a backend is woken ({@link Backend#wakeup}: an eventfd, a ring poll of it, a selector) is the
 * backend's.
 *
 * <p>States: {@code AWAKE} (the loop is running callbacks: producers need not poke, the loop
 * checks the inbox before it waits), {@code WAITING} (the loop is in, or about to enter, a
 * blocking poll: the first producer moves it to {@code POKED} and wakes the backend), {@code
 * POKED} (a wake-up is on its way: later producers do nothing).
 *
 * <p>Ordering: the loop writes {@code WAITING} and then reads the inbox; a producer writes the
 * inbox and then reads the state. Both are volatile, so at least one of them sees the other.
 */
final class CoalescedWakeup {
  private static final int AWAKE = 0;
  private static final int WAITING = 1;
  private static final int POKED = 2;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CoalescedWakeup.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private final Backend backend;

  @SuppressWarnings("unused")
  private volatile int state = AWAKE;

  CoalescedWakeup(Backend backend) {
    this.backend = backend;
  }

  /** The loop is about to block. Loop thread. */
  void beforeWait() {
    state = WAITING;
  }

  /** The loop is back. Loop thread. */
  void afterWait() {
    state = AWAKE;
  }

  /** Makes a waiting loop return from its poll. Any thread. */
  void poke() {
    if (state == WAITING && STATE.compareAndSet(this, WAITING, POKED)) {
      backend.wakeup();
    }
  }
}
