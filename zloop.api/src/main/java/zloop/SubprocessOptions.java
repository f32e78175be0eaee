package zloop;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link EventLoop#subprocessExec} starts a child: what its three standard descriptors are,
 * its working directory and its environment. Immutable; start from {@link #DEFAULT} and change
 * with the {@code withX} copies:
 *
 * <pre>{@code
 * SubprocessOptions.DEFAULT.withStderr(Stdio.STDOUT).withDirectory(Path.of("/tmp"))
 * }</pre>
 *
 * <p>{@link #DEFAULT} pipes all three descriptors, as asyncio's {@code loop.subprocess_exec}
 * does; for the streams helper ({@link EventLoop#createSubprocessExec}) pass the pipes you want
 * (asyncio's {@code create_subprocess_exec} inherits what is not given).
 */
public final class SubprocessOptions {

  /** Every descriptor piped; the loop's directory; the JVM's environment. */
  public static final SubprocessOptions DEFAULT =
      new SubprocessOptions(Stdio.PIPE, Stdio.PIPE, Stdio.PIPE, null, null, 64 * 1024);

  private final Stdio stdin;
  private final Stdio stdout;
  private final Stdio stderr;
  private final Path directory;
  private final Map<String, String> environment;
  private final int streamLimit;

  private SubprocessOptions(
      Stdio stdin,
      Stdio stdout,
      Stdio stderr,
      Path directory,
      Map<String, String> environment,
      int streamLimit) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.directory = directory;
    this.environment = environment;
    this.streamLimit = streamLimit;
  }

  /**
   * A copy with this stdin.
   *
   * @param stdin what descriptor 0 is; {@link Stdio#STDOUT} is refused
   * @return the copy
   * @throws IllegalArgumentException for {@link Stdio#STDOUT}
   */
  public SubprocessOptions withStdin(Stdio stdin) {
    if (Objects.requireNonNull(stdin, "stdin") == Stdio.STDOUT) {
      throw new IllegalArgumentException("Stdio.STDOUT is only for stderr");
    }
    return new SubprocessOptions(stdin, stdout, stderr, directory, environment, streamLimit);
  }

  /**
   * A copy with this stdout.
   *
   * @param stdout what descriptor 1 is; {@link Stdio#STDOUT} is refused
   * @return the copy
   * @throws IllegalArgumentException for {@link Stdio#STDOUT}
   */
  public SubprocessOptions withStdout(Stdio stdout) {
    if (Objects.requireNonNull(stdout, "stdout") == Stdio.STDOUT) {
      throw new IllegalArgumentException("Stdio.STDOUT is only for stderr");
    }
    return new SubprocessOptions(stdin, stdout, stderr, directory, environment, streamLimit);
  }

  /**
   * A copy with this stderr.
   *
   * @param stderr what descriptor 2 is; {@link Stdio#STDOUT} makes it a copy of stdout
   * @return the copy
   */
  public SubprocessOptions withStderr(Stdio stderr) {
    return new SubprocessOptions(
        stdin, stdout, Objects.requireNonNull(stderr, "stderr"), directory, environment, streamLimit);
  }

  /**
   * A copy whose child starts in {@code directory}.
   *
   * @param directory the working directory (must exist when the child starts)
   * @return the copy
   */
  public SubprocessOptions withDirectory(Path directory) {
    return new SubprocessOptions(
        stdin, stdout, stderr, Objects.requireNonNull(directory, "directory"), environment, streamLimit);
  }

  /**
   * A copy whose child gets exactly {@code environment} (asyncio's {@code env=}), not the JVM's.
   * The program is looked up in this environment's {@code PATH}, as CPython does.
   *
   * @param environment the child's whole environment
   * @return the copy
   * @throws IllegalArgumentException if a name is empty or holds {@code '='}, or a name or value
   *     holds a NUL character
   */
  public SubprocessOptions withEnvironment(Map<String, String> environment) {
    Map<String, String> copy = Map.copyOf(environment);
    copy.forEach(
        (k, v) -> {
          if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("illegal environment variable: " + k);
          }
        });
    return new SubprocessOptions(stdin, stdout, stderr, directory, copy, streamLimit);
  }

  /**
   * A copy whose stream readers ({@link EventLoop#createSubprocessExec}) buffer at most {@code
   * limit} bytes before pausing the pipe (asyncio's {@code limit}, 64 KiB by default).
   *
   * @param limit the reader's buffer limit in bytes, positive
   * @return the copy
   * @throws IllegalArgumentException if {@code limit} is not positive
   */
  public SubprocessOptions withStreamLimit(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return new SubprocessOptions(stdin, stdout, stderr, directory, environment, limit);
  }

  /**
   * What descriptor 0 is.
   *
   * @return stdin's disposition
   */
  public Stdio stdin() {
    return stdin;
  }

  /**
   * What descriptor 1 is.
   *
   * @return stdout's disposition
   */
  public Stdio stdout() {
    return stdout;
  }

  /**
   * What descriptor 2 is.
   *
   * @return stderr's disposition
   */
  public Stdio stderr() {
    return stderr;
  }

  /**
   * The child's working directory, if one was given.
   *
   * @return the directory, or empty for the loop's own
   */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /**
   * The child's environment, if one was given.
   *
   * @return the environment, or empty for the JVM's
   */
  public Optional<Map<String, String>> environment() {
    return Optional.ofNullable(environment);
  }

  /**
   * The stream readers' buffer limit.
   *
   * @return the limit in bytes
   */
  public int streamLimit() {
    return streamLimit;
  }

  @Override
  public String toString() {
    return "SubprocessOptions[stdin="
        + stdin
        + ", stdout="
        + stdout
        + ", stderr="
        + stderr
        + (directory != null ? ", directory=" + directory : "")
        + (environment != null ? ", environment of " + environment.size() : "")
        + "]";
  }
}
