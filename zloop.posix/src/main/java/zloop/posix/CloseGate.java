package zloop.posix;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets any thread use a descriptor until its owner closes it, and makes the owner's close wait for
 * the uses in progress: a late wake-up must never reach a descriptor number the kernel has already
 * handed to someone else. Lock-free; a use is one non-blocking call (microseconds).
 */
public final class CloseGate {

  /** Set by {@link #close}; the bits below count uses in progress. */
  private static final int CLOSED = 1 << 30;

  private final AtomicInteger state = new AtomicInteger();

  /** A gate that is open. */
  public CloseGate() {}

  /**
   * Starts a use: call {@link #exit} after it whatever this returns.
   *
   * @return {@code true} if the descriptor may be used, {@code false} once closing began
   */
  public boolean enter() {
    return (state.getAndIncrement() & CLOSED) == 0;
  }

  /** Ends the use {@link #enter} started. */
  public void exit() {
    state.getAndDecrement();
  }

  /**
   * Shuts the gate and waits until the uses in progress end.
   *
   * @return {@code true} the first time (the caller closes the descriptor), {@code false} after
   */
  public boolean close() {
    if ((state.getAndUpdate(s -> s | CLOSED) & CLOSED) != 0) {
      return false;
    }
    while (state.get() != CLOSED) {
      Thread.onSpinWait(); // a use is inside one non-blocking call
    }
    return true;
  }
}
