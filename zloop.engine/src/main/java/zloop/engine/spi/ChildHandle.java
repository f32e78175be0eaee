package zloop.engine.spi;

import java.io.IOException;

/**
 * A child process a backend started ({@link Backend#spawn}): its pid, the parent's ends of its
 * pipes, and the notice of its exit, which comes from the loop (a watched pidfd on Linux) without a
 * thread per child.
 *
 * <p>Thread rules: loop thread only. The exit handler is called from inside {@link Backend#poll},
 * once, after the backend has reaped the child (so no zombie is left), and never after {@link
 * #close()}.
 */
public interface ChildHandle {

  /**
   * The child's process id.
   *
   * @return the pid
   */
  long pid();

  /**
   * The parent's end of the pipe to child descriptor {@code fd} (0, 1 or 2), ready for a stream
   * transport, or {@code null} if that descriptor is not a pipe. The transport that takes it owns
   * it (and closes it).
   *
   * @param fd 0, 1 or 2
   * @return the pipe end, or {@code null}
   */
  SocketHandle pipe(int fd);

  /**
   * Watches for the child's exit: {@code handler} hears its asyncio-style return code once.
   *
   * @param handler called from a later poll when the child exited and was reaped
   */
  void onExit(ExitHandler handler);

  /**
   * Sends {@code signal} to the child. After the child exited (and was reaped) it does nothing, as
   * {@code Popen.send_signal} does, so a reused pid is never signalled.
   *
   * @param signal the signal number
   *
   * @throws IOException if the kernel refused (an unknown signal number: {@code EINVAL})
   */
  void sendSignal(int signal) throws IOException;

  /**
   * Stops reporting. A child still running is killed ({@code SIGKILL}), and the backend goes on
   * watching it only to reap it when it has died, without blocking, so closing never leaves a
   * zombie (a backend that closes first reaps what is left). The pipes belong to their transports
   * and are not touched. Idempotent.
   */
  void close();

  /** Hears a child's exit. */
  @FunctionalInterface
  interface ExitHandler {
    /**
     * The child exited.
     *
     * @param returnCode its exit status, or minus the number of the signal that killed it
     */
    void onExit(int returnCode);
  }
}
