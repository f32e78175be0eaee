package zloop.engine.jfr;

import jdk.jfr.Event;
import jdk.jfr.Label;

/** What the connection events share: which loop's backend, and the two ends. */
public abstract class ConnectionEvent extends Event {
  /** For the two connection events only. */
  ConnectionEvent() {}

  /** The name of the loop's backend. */
  @Label("Backend")
  public String backend;

  /** The local address, as text. */
  @Label("Local Address")
  public String local;

  /** The peer's address, as text. */
  @Label("Remote Address")
  public String remote;

  /** Fills in the fields both events share. */
  void describe(String backendName, Object localAddress, Object remoteAddress) {
    backend = backendName;
    local = String.valueOf(localAddress);
    remote = String.valueOf(remoteAddress);
  }
}
