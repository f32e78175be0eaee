package zloop.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code zloop.ConnectionClosed}: a stream transport's connection was lost (connectionLost ran). */
@Name("zloop.ConnectionClosed")
@Label("Connection Closed")
@Category("zloop")
@Description("A stream transport's connection ended: closed, aborted, or lost to an error")
@StackTrace(false)
public final class ConnectionClosedEvent extends ConnectionEvent {
  /** An event to begin, fill in and commit. */
  public ConnectionClosedEvent() {}

  /** Why the connection was lost, or {@code null} for a clean close. */
  @Label("Error")
  @Description("Why the connection was lost, or null for a clean close")
  public String error;
}
