package zloop;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A stream connection as protocols see it: asyncio's {@code Transport} (read and write sides).
 * Loop thread only.
 *
 * <h2>Extra info names</h2>
 *
 * {@code "sockname"} and {@code "peername"} ({@link java.net.SocketAddress}), {@code "socket"}
 * (the {@link NetSocket}, for addresses and options: the same object on every call, and its
 * {@code close()} is refused while the transport holds it open), {@code "backend"} (the backend's
 * name).
 */
public interface Transport {

  // ---- BaseTransport ----

  /**
   * Closes gracefully: stops reading, sends what is buffered, then closes; {@link
   * BaseProtocol#connectionLost} follows with {@code null} on a later turn. Idempotent.
   */
  void close();

  /** Whether {@link #close()} or {@link #abort()} was called, or the connection was lost. */
  boolean isClosing();

  /** Extra information by name (see the class comment), or {@code null} if there is none. */
  Object getExtraInfo(String name);

  /** Replaces the protocol that receives events from now on. */
  void setProtocol(BaseProtocol protocol);

  /** The protocol receiving events. */
  BaseProtocol getProtocol();

  // ---- ReadTransport ----

  /** Whether the transport is receiving (not paused, not closing). */
  boolean isReading();

  /** Stops delivering data until {@link #resumeReading()}. Idempotent. */
  void pauseReading();

  /** Delivers data again after {@link #pauseReading()}. Idempotent. */
  void resumeReading();

  // ---- WriteTransport ----

  /**
   * Sends the bytes between the buffer's position and limit, without blocking: what the kernel
   * does not take now is copied into the transport's buffer, so the caller's buffer is free again
   * when this returns. Consumes the buffer (its position moves to its limit).
   *
   * @throws IllegalStateException after {@link #writeEof()}
   */
  void write(ByteBuffer data);

  /** {@link #write(ByteBuffer)} of a whole array. */
  default void write(byte[] data) {
    write(ByteBuffer.wrap(data));
  }

  /** Writes several buffers as one gathering write. */
  void writelines(List<ByteBuffer> data);

  /** Whether {@link #writeEof()} is supported (true for TCP and Unix stream sockets). */
  boolean canWriteEof();

  /** Closes the write side once the buffer is sent; the read side stays open. */
  void writeEof();

  /**
   * Closes at once, dropping buffered data; {@link BaseProtocol#connectionLost} follows with
   * {@code null} on a later turn.
   */
  void abort();

  /** Bytes buffered, not yet handed to the kernel. */
  long getWriteBufferSize();

  /** The current watermarks. */
  WriteBufferLimits getWriteBufferLimits();

  /**
   * Sets the watermarks, asyncio's way: {@code null} for either uses the rule in {@link
   * WriteBufferLimits#of}. May pause or resume the protocol at once.
   */
  void setWriteBufferLimits(Long high, Long low);
}
