package zloop.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code zloop.ConnectionOpened}: a stream transport started (connected or accepted). */
@Name("zloop.ConnectionOpened")
@Label("Connection Opened")
@Category("zloop")
@Description("A stream transport started: a connection made or accepted")
@StackTrace(false)
public final class ConnectionOpenedEvent extends Event {
  /** An event to begin, fill in and commit. */
  public ConnectionOpenedEvent() {}

  /** The name of the loop's backend. */
  @Label("Backend")
  public String backend;

  /** The local address, as text. */
  @Label("Local Address")
  public String local;

  /** The peer's address, as text. */
  @Label("Remote Address")
  public String remote;

  /** Whether a server accepted the connection (otherwise the application made it). */
  @Label("Accepted")
  @Description("Whether a server accepted it (otherwise the application connected)")
  public boolean accepted;
}
