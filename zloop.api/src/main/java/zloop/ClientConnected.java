package zloop;

/**
 * Serves one stream connection of {@link Streams#startServer}: runs as a task of its own, so it may
 * block in {@code join()}. As in asyncio (3.12+):
 *
 * <ul>
 *   <li>returning normally leaves the connection as it is: close the writer when done (the
 *       connection stays open otherwise, as a handler that hands the streams on may want);
 *   <li>throwing reports the exception to the loop's exception handler ("Unhandled exception in
 *       client_connected_cb") and closes the connection;
 *   <li>the task being cancelled (by {@code cancel()}, a timeout, or the loop shutting down) closes
 *       the connection.
 * </ul>
 */
@FunctionalInterface
public interface ClientConnected {
  /**
   * Serves one connection, as a task of its own.
   *
   * @param reader the connection's reading half
   * @param writer the connection's writing half
   * @throws Exception anything: reported to the loop's exception handler, and the connection is
   *     closed
   */
  void serve(StreamReader reader, StreamWriter writer) throws Exception;
}
