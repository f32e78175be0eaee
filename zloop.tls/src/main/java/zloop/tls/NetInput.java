package zloop.tls;

import java.nio.ByteBuffer;

/**
 * The ciphertext the raw transport read and the engine has not unwrapped yet. The raw transport
 * reads straight into it (the TLS protocol is a {@code BufferedProtocol}), so it belongs to one
 * connection: a completion backend may keep a receive into it in flight while the connection is
 * idle.
 *
 * <p>A heap buffer, for the engine's sake (see {@link BufferPool}): the backend copies into it.
 *
 * <p>Between calls {@link #data()} is in read mode: its position is the next byte to unwrap, its
 * limit the end of what arrived. Only {@link #forKernel()} moves bytes (compaction), and only
 * right before the next read is armed, when no read into the buffer is in flight.
 */
final class NetInput {
  /** TLS record header: type (1), version (2), length (2). */
  static final int RECORD_HEADER = 5;

  private final int minRoom;
  private ByteBuffer data;
  private ByteBuffer free;

  /**
   * @param capacity the buffer's size
   * @param minRoom compact when less room than this is left after the data (one record's worth)
   */
  NetInput(int capacity, int minRoom) {
    this.minRoom = minRoom;
    allocate(Math.max(capacity, minRoom));
  }

  private void allocate(int capacity) {
    ByteBuffer old = data;
    data = ByteBuffer.allocate(capacity);
    free = data.duplicate();
    if (old == null) {
      data.limit(0);
    } else {
      data.put(old);
      data.flip();
    }
  }

  /** The bytes not yet unwrapped (read mode); the engine moves its position. */
  ByteBuffer data() {
    return data;
  }

  /** The room after the data, for the next read. Always has at least one byte. */
  ByteBuffer forKernel() {
    if (!data.hasRemaining()) {
      data.position(0).limit(0); // empty: start over at the front, for free
    } else if (data.capacity() - data.limit() < minRoom && data.position() > 0) {
      data.compact().flip(); // a partial record at the end: move it to the front
    }
    if (data.limit() == data.capacity()) {
      allocate(data.capacity() * 2); // full of bytes nobody consumes yet (the engine is busy)
    }
    free.limit(free.capacity()).position(data.limit());
    return free;
  }

  /** {@code n} bytes were read into the buffer {@link #forKernel()} returned last. */
  void filled(int n) {
    data.limit(data.limit() + n);
  }

  boolean isEmpty() {
    return !data.hasRemaining();
  }

  /** Whether a whole TLS record is buffered (so unwrapping will not underflow). */
  boolean hasFullRecord() {
    int n = data.remaining();
    if (n < RECORD_HEADER) {
      return false;
    }
    int p = data.position();
    int length = ((data.get(p + 3) & 0xFF) << 8) | (data.get(p + 4) & 0xFF);
    return n >= RECORD_HEADER + length;
  }

  /** Drops everything buffered (the connection is over). */
  void discard() {
    data.position(data.limit());
  }
}
