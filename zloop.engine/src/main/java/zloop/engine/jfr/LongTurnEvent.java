package zloop.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * {@code zloop.LongTurn}: a loop turn whose busy part (from the end of the backend's wait to the
 * end of the turn: I/O events, ready callbacks, timers) overran the threshold.
 */
@Name("zloop.LongTurn")
@Label("Long Loop Turn")
@Category("zloop")
@Description("A loop turn whose busy part (I/O events, ready callbacks, timers; not the wait) overran the threshold")
@Threshold("100 ms")
@StackTrace(false)
public final class LongTurnEvent extends Event {
  /** An event to begin, fill in and commit. */
  public LongTurnEvent() {}

  /** The name of the loop's backend. */
  @Label("Backend")
  public String backend;

  /** I/O events the backend dispatched. */
  @Label("I/O Events")
  @Description("I/O events the backend dispatched in this turn")
  public int ioEvents;

  /** Ready callbacks, timers and task steps run in the turn. */
  @Label("Callbacks")
  @Description("Ready callbacks, timers and task steps run in this turn")
  public int callbacks;

  /** Callbacks left ready for the next turn. */
  @Label("Ready After")
  @Description("Callbacks left ready for the next turn")
  public int readyAfter;
}
