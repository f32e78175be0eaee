package zloop;

/**
 * What a child process's standard descriptor is ({@link SubprocessOptions}): asyncio's {@code
 * subprocess.PIPE}, {@code DEVNULL}, {@code None} (inherit) and {@code STDOUT}.
 */
public enum Stdio {
  /** A pipe to the loop: a pipe transport on {@link SubprocessTransport#getPipeTransport}. */
  PIPE,
  /** {@code /dev/null}. */
  DEVNULL,
  /** The parent's own descriptor (the JVM's stdin, stdout or stderr). */
  INHERIT,
  /** Only for stderr: the same as stdout (a pipe's data then arrives as descriptor 1's). */
  STDOUT
}
