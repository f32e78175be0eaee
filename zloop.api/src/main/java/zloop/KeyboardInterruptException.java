package zloop;

import java.io.Serial;

/**
 * Ctrl-C ended a {@link Runner#run} (or {@link EventLoops#run}): asyncio's {@code
 * KeyboardInterrupt}. Thrown when SIGINT cancelled the main task and the task ended cancelled by
 * it, or when a second SIGINT arrived while the main task still ran (it suppressed the
 * cancellation). The {@linkplain #getCause() cause} is the main task's {@link
 * java.util.concurrent.CancellationException}, if it ended cancelled.
 *
 * <p>A program that wants the exit status a shell expects after Ctrl-C catches it in {@code main}
 * and calls {@code System.exit(e.exitStatus())}: 130, 128 plus SIGINT's number, the status of a
 * process killed by SIGINT (Python's interpreter ends that way after an uncaught {@code
 * KeyboardInterrupt}). Left uncaught, the JVM exits with status 1 after printing it.
 */
public final class KeyboardInterruptException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** 128 + 2 (SIGINT): what a shell reports for a program that Ctrl-C ended. */
  public static final int EXIT_STATUS = 130;

  /**
   * A new interrupt.
   *
   * @param cause the main task's cancellation, or {@code null} if it had not ended
   */
  public KeyboardInterruptException(Throwable cause) {
    super("interrupted by SIGINT (Ctrl-C)", cause);
  }

  /**
   * The exit status a shell expects after Ctrl-C.
   *
   * @return {@value #EXIT_STATUS}
   */
  public int exitStatus() {
    return EXIT_STATUS;
  }
}
