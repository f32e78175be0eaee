package zloop;

import java.nio.ByteBuffer;

/**
 * A stream protocol that owns its receive buffer: the loop reads straight into it. asyncio's
 * {@code BufferedProtocol}.
 */
public non-sealed interface BufferedProtocol extends BaseProtocol {

  /**
   * A buffer for the next read: the bytes between its position and limit may be overwritten.
   *
   * @param sizeHint how much the loop would like to read, or -1 for no preference
   * @return a buffer with at least one byte remaining; direct buffers save a copy
   */
  ByteBuffer getBuffer(int sizeHint);

  /**
   * {@code nbytes} bytes were written into the last buffer, starting at its position.
   *
   * @param nbytes how many bytes the loop wrote
   */
  void bufferUpdated(int nbytes);

  /**
   * As {@link Protocol#eofReceived()}.
   *
   * @return {@code true} to keep the connection half-open
   */
  default boolean eofReceived() {
    return false;
  }
}
