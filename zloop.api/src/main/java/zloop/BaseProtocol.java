package zloop;

/**
 * What every protocol hears from its transport: asyncio's {@code BaseProtocol}. All methods run on
 * the loop thread; an exception thrown from one goes to the loop's exception handler and closes
 * the connection.
 */
public interface BaseProtocol {

  /** The connection is ready; keep the transport to write to it. Runs before any data arrives. */
  default void connectionMade(Transport transport) {}

  /**
   * The connection is gone: always the last call, always on a later loop turn than the event that
   * caused it (never inside {@code close()} or {@code dataReceived}).
   *
   * @param exception why, or {@code null} for a normal close or end of stream
   */
  default void connectionLost(Throwable exception) {}

  /** The transport's write buffer went over its high watermark: stop producing. */
  default void pauseWriting() {}

  /** The write buffer drained to its low watermark: produce again. */
  default void resumeWriting() {}
}
