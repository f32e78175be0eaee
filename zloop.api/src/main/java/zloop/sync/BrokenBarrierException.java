package zloop.sync;

import java.io.Serial;

/** A {@link Barrier} wait that cannot complete: the barrier was aborted or reset. */
public final class BrokenBarrierException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * An exception with a message.
   *
   * @param message what broke the barrier
   */
  public BrokenBarrierException(String message) {
    super(message);
  }
}
