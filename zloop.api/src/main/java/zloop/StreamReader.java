package zloop;

/**
 * The reading half of a stream connection: asyncio's {@code StreamReader}. Every operation returns
 * a future, so it works from callbacks; inside a task, {@code join()} gives the blocking style
 * ({@code byte[] line = reader.readline().join();}). One read may wait at a time.
 *
 * <p>The reader buffers about twice its limit (64 KiB by default) while no read waits: above that
 * the transport stops reading until the buffer drains to the limit. A read that waits for more
 * ({@link #readexactly} of any size) resumes reading, so it never deadlocks on the limit.
 *
 * <p>Cancelling a pending read (by {@code cancel()}, {@code waitFor}, {@code withTimeout} or
 * cancelling the task that joins it) consumes nothing: the bytes stay buffered for the next read,
 * which may be started at once.
 */
public interface StreamReader {

  /**
   * Up to {@code n} bytes, as soon as any are buffered; an empty array at end of stream. {@code
   * n < 0} reads until end of stream.
   */
  Future<byte[]> read(int n);

  /** {@link #read(int)} with -1: everything until end of stream. */
  default Future<byte[]> read() {
    return read(-1);
  }

  /**
   * One line, ending with {@code \n}; at end of stream the partial line (possibly empty). A line
   * longer than the limit fails with a {@link LimitOverrunException} (wrapped by {@code join}),
   * after dropping the oversized data so the stream stays usable.
   */
  Future<byte[]> readline();

  /**
   * Exactly {@code n} bytes, or an {@link IncompleteReadException} carrying what arrived if the
   * stream ends first.
   */
  Future<byte[]> readexactly(int n);

  /**
   * Bytes up to and including the separator. Fails with {@link LimitOverrunException} if the
   * limit is reached before the separator (the data stays buffered, so the caller may read it),
   * or with {@link IncompleteReadException} at end of stream (the buffer is emptied into it).
   */
  Future<byte[]> readuntil(byte[] separator);

  /** Whether the stream ended and nothing is buffered. */
  boolean atEof();

  /** The failure the connection ended with, or {@code null}. */
  Throwable exception();
}
