package zloop.engine.jfr;

/**
 * Records {@code zloop.ConnectionOpened} and {@code zloop.ConnectionClosed}. With no recording
 * enabling them each call is one check; the addresses become text only for a recorded event.
 */
public final class ConnectionEvents {
  /** Asked only whether its event type is enabled; never begun or committed. */
  private static final ConnectionOpenedEvent OPENED = new ConnectionOpenedEvent();

  private static final ConnectionClosedEvent CLOSED = new ConnectionClosedEvent();

  private ConnectionEvents() {}

  /** A transport started on {@code backend}; {@code accepted} if a server accepted it. */
  public static void opened(String backend, Object local, Object remote, boolean accepted) {
    if (!OPENED.isEnabled()) {
      return;
    }
    ConnectionOpenedEvent e = new ConnectionOpenedEvent();
    e.backend = backend;
    e.local = String.valueOf(local);
    e.remote = String.valueOf(remote);
    e.accepted = accepted;
    e.commit();
  }

  /** A transport's connection ended; {@code reason} is {@code null} for a clean close. */
  public static void closed(String backend, Object local, Object remote, Throwable reason) {
    if (!CLOSED.isEnabled()) {
      return;
    }
    ConnectionClosedEvent e = new ConnectionClosedEvent();
    e.backend = backend;
    e.local = String.valueOf(local);
    e.remote = String.valueOf(remote);
    e.error = reason == null ? null : reason.toString();
    e.commit();
  }
}
