package zloop;

/** A callback scheduled for a point in time, as returned by {@link EventLoop#callLater}. */
public interface TimerHandle extends Handle {

  /**
   * The deadline, on the loop's clock ({@link EventLoop#time()}, nanoseconds).
   *
   * @return the deadline in nanoseconds
   */
  long when();
}
