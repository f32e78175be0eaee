package zloop;

import java.nio.ByteBuffer;

/**
 * The callbacks of a child process started by {@link EventLoop#subprocessExec}: asyncio's {@code
 * SubprocessProtocol}. All run on the loop thread; whatever one throws goes to the loop's exception
 * handler.
 *
 * <p>Order, as asyncio's: {@link #connectionMade} first; then pipe data and pipe ends, and {@link
 * #processExited} when the child is gone (which may come before its pipes end: a grandchild can
 * hold them open); {@link #connectionLost} last, once the child has exited and every pipe is
 * closed.
 */
public interface SubprocessProtocol {

  /**
   * The child started.
   *
   * @param transport the child's transport
   */
  default void connectionMade(SubprocessTransport transport) {}

  /**
   * The child wrote to its stdout (fd 1) or stderr (fd 2).
   *
   * @param fd 1 or 2
   * @param data the bytes, valid only during the call (copy what you keep)
   */
  default void pipeDataReceived(int fd, ByteBuffer data) {}

  /**
   * One of the child's pipes closed.
   *
   * @param fd 0, 1 or 2
   * @param exception what broke it, or {@code null} at a normal end (EOF, or closed by us)
   */
  default void pipeConnectionLost(int fd, Throwable exception) {}

  /** The child exited (its return code is now {@link SubprocessTransport#returnCode()}). */
  default void processExited() {}

  /**
   * The child exited and every pipe closed: nothing more will be called.
   *
   * @param exception always {@code null} (asyncio's value)
   */
  default void connectionLost(Throwable exception) {}

  /** The stdin pipe's buffer went over its high watermark. */
  default void pauseWriting() {}

  /** The stdin pipe's buffer drained to its low watermark. */
  default void resumeWriting() {}
}
