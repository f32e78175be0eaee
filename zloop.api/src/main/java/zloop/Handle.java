package zloop;

/**
 * A callback scheduled on an {@link EventLoop}, as returned by {@link EventLoop#callSoon}.
 *
 * <p>Loop thread only, like the loop methods that create handles.
 */
public interface Handle {

  /** Prevents the callback from running if it has not run yet. Cancelling twice is harmless. */
  void cancel();

  /**
   * Whether {@link #cancel()} was called.
   *
   * @return {@code true} once cancelled
   */
  boolean isCancelled();
}
