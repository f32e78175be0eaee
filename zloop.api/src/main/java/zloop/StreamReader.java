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
   * Up to {@code dst.remaining()} bytes into {@code dst}, as soon as any are buffered: {@link
   * #read(int)} without an array per read. The bytes go in from {@code dst}'s position, which
   * advances past them (its limit stays); the future completes with their count, with 0 at end of
   * stream, and with 0 at once when {@code dst} has no room. When the reader's buffer is empty the
   * bytes that arrive next go straight into {@code dst}: on a backend that reads only when asked
   * (epoll, kqueue, nio) the socket is read into {@code dst} itself, at most its room, with no copy
   * at all; on io_uring they are copied once from the ring's buffer. A direct {@code dst} can then
   * go to {@link StreamWriter#write(java.nio.ByteBuffer)} without another copy.
   *
   * <p>The reader holds {@code dst} only until the future is done, and writes it only on the
   * loop thread: do not touch it meanwhile. Cancelling the read leaves {@code dst} unchanged and
   * consumes nothing (the bytes stay buffered for the next read). New in zloop (asyncio's
   * {@code StreamReader} has no {@code readinto}).
   *
   * @param dst where the bytes go, from its position to its limit
   * @return a future of how many bytes were read: 0 only at end of stream or for a full {@code
   *     dst}
   * @throws IllegalArgumentException if {@code dst} is read-only
   * @throws IllegalStateException if another read is waiting on this stream
   */
  Future<Integer> readInto(java.nio.ByteBuffer dst);

  /**
   * {@link #readInto(java.nio.ByteBuffer)} into {@code len} bytes of an array, from {@code off}.
   *
   * @param dst the array
   * @param off where the bytes go in {@code dst}
   * @param len the most bytes to read
   * @return a future of how many bytes were read into {@code dst[off ..]}: 0 only at end of
   *     stream or for {@code len == 0}
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code dst}
   * @throws IllegalStateException if another read is waiting on this stream
   */
  default Future<Integer> readInto(byte[] dst, int off, int len) {
    return readInto(java.nio.ByteBuffer.wrap(dst, off, len));
  }

  /**
   * Exactly {@code dst.remaining()} bytes into {@code dst}: {@link #readExactly(int)} without an
   * array per read. On success {@code dst}'s position reaches its limit and the future completes
   * with the count. If the stream ends first it fails with an {@link IncompleteReadException}
   * carrying what arrived (those bytes are consumed, as {@code readExactly} does) and {@code dst}
   * is left unchanged. The bytes are buffered by the reader until all of them are there (so a
   * cancelled read consumes nothing), except that when the reader's buffer is empty and one
   * arrival holds them all they are copied straight into {@code dst}. {@code dst} is the reader's
   * until the future is done, as for {@link #readInto(java.nio.ByteBuffer)}. New in zloop.
   *
   * @param dst where the bytes go, from its position to its limit
   * @return a future of the count, {@code dst}'s remaining bytes when called
   * @throws IllegalArgumentException if {@code dst} is read-only
   * @throws IllegalStateException if another read is waiting on this stream
   */
  Future<Integer> readExactlyInto(java.nio.ByteBuffer dst);

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
