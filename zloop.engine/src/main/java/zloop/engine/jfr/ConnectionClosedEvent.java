package zloop.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code zloop.ConnectionClosed}: a stream transport's connection was lost (connectionLost ran). */
@Name("zloop.ConnectionClosed")
@Label("Connection Closed")
@Category("zloop")
@Description("A stream transport's connection ended: closed, aborted, or lost to an error")
@StackTrace(false)
public final class ConnectionClosedEvent extends Event {
  /** An event to begin, fill in and commit. */
  public ConnectionClosedEvent() {}

  /** The name of the loop's backend. */
  @Label("Backend")
  public String backend;

  /** The local address, as text. */
  @Label("Local Address")
  public String local;

  /** The peer's address, as text. */
  @Label("Remote Address")
  public String remote;

  /** Why the connection was lost, or {@code null} for a clean close. */
  @Label("Error")
  @Description("Why the connection was lost, or null for a clean close")
  public String error;
}
