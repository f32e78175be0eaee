package zloop.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * {@code zloop.BackendPoll}: one call into the backend, which waits for I/O (or a timer) and then
 * dispatches the I/O events. Its duration is both; {@code waited} is the wait alone. The default
 * threshold, like {@code jdk.ThreadPark}'s, keeps the short polls of a busy loop out.
 */
@Name("zloop.BackendPoll")
@Label("Backend Poll")
@Category("zloop")
@Description("One poll of the backend: the wait for I/O or a timer, then the I/O events it dispatched")
@Threshold("20 ms")
@StackTrace(false)
public final class BackendPollEvent extends Event {
  /** An event to begin, fill in and commit. */
  public BackendPollEvent() {}

  /** The name of the loop's backend. */
  @Label("Backend")
  public String backend;

  /** Nanoseconds blocked in the kernel before the first I/O event, or until the poll returned. */
  @Label("Waited")
  @Description("Time blocked in the kernel before the first I/O event (or until the poll returned)")
  @Timespan(Timespan.NANOSECONDS)
  public long waited;

  /** I/O events the backend dispatched. */
  @Label("I/O Events")
  public int ioEvents;
}
