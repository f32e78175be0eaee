package zloop;

import java.util.OptionalInt;

/**
 * A child process and its pipes: asyncio's {@code SubprocessTransport}. Loop thread only.
 *
 * <p>Return codes are asyncio's: the exit status, or minus the signal that killed the child
 * ({@code -15} after {@code SIGTERM}); on the nio backend a child killed by a signal reports the
 * JDK's {@code 128 + signal} instead, since {@link Process} does not tell the two apart.
 */
public interface SubprocessTransport {

  /**
   * The child's process id.
   *
   * @return the pid
   */
  long pid();

  /**
   * The child's return code once it exited.
   *
   * @return the code, or empty while it runs
   */
  OptionalInt returnCode();

  /**
   * A future of the return code: done when the child exits, whatever its pipes do. Each call
   * returns a new future, so cancelling one wait cancels no other.
   *
   * @return the future
   */
  Future<Integer> exited();

  /**
   * The transport of the pipe to child descriptor {@code fd}: a write transport for 0, read
   * transports for 1 and 2.
   *
   * @param fd 0, 1 or 2
   * @return the transport, or {@code null} if that descriptor is not a pipe
   */
  Transport getPipeTransport(int fd);

  /**
   * Sends a signal to the child ({@code 15} is {@code SIGTERM}, {@code 9} {@code SIGKILL}). Does
   * nothing once the child has exited.
   *
   * @param signal the signal number
   * @throws IllegalStateException after {@link #close()} (asyncio's {@code ProcessLookupError})
   * @throws IllegalArgumentException for a signal number the kernel refuses
   * @throws UnsupportedOperationException on the nio backend for a signal other than {@code
   *     SIGTERM} and {@code SIGKILL}
   */
  void sendSignal(int signal);

  /** {@code sendSignal(SIGTERM)}. */
  void terminate();

  /** {@code sendSignal(SIGKILL)}. */
  void kill();

  /**
   * Closes the pipes and, if the child still runs, kills it ({@code SIGKILL}) as asyncio does.
   * The child is reaped all the same: no zombie is left. Idempotent.
   */
  void close();

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once closing
   */
  boolean isClosing();

  /**
   * The protocol.
   *
   * @return the protocol given by the factory
   */
  SubprocessProtocol getProtocol();
}
