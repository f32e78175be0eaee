package zloop;

/**
 * The reading half of a stream connection: asyncio's {@code StreamReader}. Every operation returns
 * a future, so it works from callbacks; inside a task, {@code join()} gives the blocking style
 * ({@code byte[] line = reader.readLine().join();}). One read may wait at a time.
 *
 * <p>The reader buffers about twice its limit (64 KiB by default) while no read waits: above that
 * the transport stops reading until the buffer drains to the limit. A read that waits for more
 * ({@link #readExactly} of any size) resumes reading, so it never deadlocks on the limit.
 *
 * <p>Cancelling a pending read (by {@code cancel()}, {@code waitFor}, {@code withTimeout} or
 * cancelling the task that joins it) consumes nothing: the bytes stay buffered for the next read,
 * which may be started at once.
 */
public interface StreamReader {

  /**
   * Up to {@code n} bytes, as soon as any are buffered; an empty array at end of stream. {@code
   * n < 0} reads until end of stream.
   *
   * @param n the most bytes to read, or a negative number for everything until end of stream
   * @return a future of the bytes
   */
  Future<byte[]> read(int n);

  /**
   * {@link #read(int)} with -1: everything until end of stream.
   *
   * @return a future of every byte until end of stream
   */
  default Future<byte[]> read() {
    return read(-1);
  }

  /**
   * One line, ending with {@code \n}; at end of stream the partial line (possibly empty): asyncio's
   * {@code readline}. A line longer than the limit fails with a {@link LimitOverrunException}
   * (wrapped by {@code join}), after dropping the oversized data so the stream stays usable.
   *
   * @return a future of the line
   */
  Future<byte[]> readLine();

  /**
   * Exactly {@code n} bytes, or an {@link IncompleteReadException} carrying what arrived if the
   * stream ends first: asyncio's {@code readexactly}.
   *
   * @param n how many bytes
   * @return a future of the bytes
   */
  Future<byte[]> readExactly(int n);

  /**
   * Bytes up to and including the separator: asyncio's {@code readuntil}. Fails with {@link
   * LimitOverrunException} if the limit is reached before the separator (the data stays buffered,
   * so the caller may read it), or with {@link IncompleteReadException} at end of stream (the
   * buffer is emptied into it).
   *
   * @param separator the bytes that end the read
   * @return a future of the bytes, separator included
   */
  Future<byte[]> readUntil(byte[] separator);

  /**
   * Whether the stream ended and nothing is buffered.
   *
   * @return {@code true} at end of stream with an empty buffer
   */
  boolean atEof();

  /**
   * The failure the connection ended with, or {@code null}.
   *
   * @return the failure, or {@code null}
   */
  Throwable exception();
}
