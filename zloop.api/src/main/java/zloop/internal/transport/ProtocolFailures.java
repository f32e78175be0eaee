package zloop.internal.transport;

/**
 * What a transport does when the application's protocol throws: the two consequences asyncio's
 * transports give a failed protocol call. Only called with survivable failures ({@link
 * AppProtocolCaller#survivable}).
 */
public interface ProtocolFailures {

  /**
   * The call failed in a way that ends the connection (asyncio's {@code _fatal_error}): report it
   * as the transport reports fatal errors, and close the connection with it.
   */
  void fatal(String message, Throwable failure);

  /** The call failed, and that is all: report it to the loop's exception handler. */
  void report(String message, Throwable failure);
}
