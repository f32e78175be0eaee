package zloop;

import java.util.OptionalInt;

/**
 * A child process for task code, with streams: asyncio's {@code asyncio.subprocess.Process}, made
 * by {@link EventLoop#createSubprocessExec}. Loop thread (or a task of the loop) only.
 *
 * <pre>{@code
 * Subprocess p = loop.createSubprocessExec(List.of("cat"), SubprocessOptions.DEFAULT).join();
 * p.stdin().write("hi\n".getBytes());
 * p.stdin().close();
 * byte[] line = p.stdout().readline().join();
 * int code = p.waitFor().join();
 * }</pre>
 */
public interface Subprocess {

  /**
   * The child's process id.
   *
   * @return the pid
   */
  long pid();

  /**
   * The return code once the child exited (see {@link SubprocessTransport} for its values).
   *
   * @return the code, or empty while it runs
   */
  OptionalInt returnCode();

  /**
   * The writer of the child's stdin.
   *
   * @return the writer, or {@code null} unless stdin is {@link Stdio#PIPE}
   */
  StreamWriter stdin();

  /**
   * The reader of the child's stdout.
   *
   * @return the reader, or {@code null} unless stdout is {@link Stdio#PIPE}
   */
  StreamReader stdout();

  /**
   * The reader of the child's stderr.
   *
   * @return the reader, or {@code null} unless stderr is {@link Stdio#PIPE}
   */
  StreamReader stderr();

  /**
   * asyncio's {@code wait()}: the return code, once the child exited. It does not wait for the
   * pipes: a child that writes more than a pipe holds and is never read waits forever, as in
   * asyncio; use {@link #communicate}.
   *
   * @return a future of the return code
   */
  Future<Integer> waitFor();

  /**
   * Writes {@code input} to stdin and closes it, reads stdout and stderr to their ends, and waits
   * for the exit: asyncio's {@code communicate()}. A child that stopped reading its stdin (a
   * broken pipe) is not an error.
   *
   * @param input bytes for stdin, or {@code null} for none (stdin is still closed)
   * @return a future of what the child wrote (empty arrays for descriptors that are not pipes)
   */
  Future<Output> communicate(byte[] input);

  /**
   * Sends a signal to the child; see {@link SubprocessTransport#sendSignal}.
   *
   * @param signal the signal number
   */
  void sendSignal(int signal);

  /** {@code sendSignal(SIGTERM)}. */
  void terminate();

  /** {@code sendSignal(SIGKILL)}. */
  void kill();

  /**
   * What {@link #communicate} read.
   *
   * @param stdout everything the child wrote to stdout
   * @param stderr everything the child wrote to stderr
   */
  record Output(byte[] stdout, byte[] stderr) {}
}
