package zloop.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * {@code zloop.SlowCallback}: one callback, timer, task step or I/O event (the protocol code one
 * readiness or completion runs) that held the loop thread longer than the threshold. Recorded
 * only while a recording enables it; the loop then times each callback.
 */
@Name("zloop.SlowCallback")
@Label("Slow Callback")
@Category("zloop")
@Description("A callback, timer, task step or I/O event that held the loop thread longer than the threshold")
@Threshold("100 ms")
@StackTrace(false)
public final class SlowCallbackEvent extends Event {
  /** An event to begin, fill in and commit. */
  public SlowCallbackEvent() {}

  /** What ran: the handle, task or I/O event, as its {@code toString()} says. */
  @Label("Callback")
  @Description("What ran: the handle, task or I/O event, as its toString() says")
  public String callback;

  /** The name of the loop's backend. */
  @Label("Backend")
  public String backend;
}
