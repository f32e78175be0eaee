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

  /**
   * Records that a transport started, if a recording enables the event.
   *
   * @param backend the loop's backend name
   * @param local the local address ({@code null} if unknown)
   * @param remote the peer's address ({@code null} if unknown)
   * @param accepted whether a server accepted it
   */
  public static void opened(String backend, Object local, Object remote, boolean accepted) {
    if (!OPENED.isEnabled()) {
      return;
    }
    ConnectionOpenedEvent e = new ConnectionOpenedEvent();
    e.describe(backend, local, remote);
    e.accepted = accepted;
    e.commit();
  }

  /**
   * Records that a transport's connection ended, if a recording enables the event.
   *
   * @param backend the loop's backend name
   * @param local the local address ({@code null} if unknown)
   * @param remote the peer's address ({@code null} if unknown)
   * @param reason why it was lost, or {@code null} for a clean close
   */
  public static void closed(String backend, Object local, Object remote, Throwable reason) {
    if (!CLOSED.isEnabled()) {
      return;
    }
    ConnectionClosedEvent e = new ConnectionClosedEvent();
    e.describe(backend, local, remote);
    e.error = reason == null ? null : reason.toString();
    e.commit();
  }
}
