package zloop.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code zloop.ConnectionOpened}: a stream transport started (connected or accepted). */
@Name("zloop.ConnectionOpened")
@Label("Connection Opened")
@Category("zloop")
@Description("A stream transport started: a connection made or accepted")
@StackTrace(false)
public final class ConnectionOpenedEvent extends ConnectionEvent {
  /** An event to begin, fill in and commit. */
  public ConnectionOpenedEvent() {}

  /** Whether a server accepted the connection (otherwise the application made it). */
  @Label("Accepted")
  @Description("Whether a server accepted it (otherwise the application connected)")
  public boolean accepted;
}
