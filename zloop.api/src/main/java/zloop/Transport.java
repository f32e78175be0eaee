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
 * name). Each has a typed key in {@link ExtraInfo}: {@code getExtraInfo(ExtraInfo.PEERNAME)}.
 */
public interface Transport {

  // ---- BaseTransport ----

  /**
   * Closes gracefully: stops reading, sends what is buffered, then closes; {@link
   * BaseProtocol#connectionLost} follows with {@code null} on a later turn. Idempotent.
   */
  void close();

  /**
   * Whether {@link #close()} or {@link #abort()} was called, or the connection was lost.
   *
   * @return {@code true} once closing or closed
   */
  boolean isClosing();

  /**
   * Extra information by asyncio's name (see the class comment): the untyped form, for names
   * without an {@link ExtraInfo} key and for layers that forward every name.
   *
   * @param name the name, e.g. {@code "peername"}
   * @return the value, or {@code null} if there is none
   */
  Object getExtraInfo(String name);

  /**
   * Extra information by typed key: {@code getExtraInfo(ExtraInfo.PEERNAME)}.
   *
   * @param <T> the type of the value
   * @param key the key
   * @return the value, or {@code null} if there is none
   * @throws ClassCastException if the transport answered the key's name with another type
   */
  default <T> T getExtraInfo(ExtraInfo<T> key) {
    return key.cast(getExtraInfo(key.name()));
  }

  /**
   * Replaces the protocol that receives events from now on.
   *
   * @param protocol the new protocol
   */
  void setProtocol(BaseProtocol protocol);

  /**
   * The protocol receiving events.
   *
   * @return the protocol
   */
  BaseProtocol getProtocol();

  // ---- ReadTransport ----

  /**
   * Whether the transport is receiving (not paused, not closing).
   *
   * @return {@code true} while data is delivered
   */
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
   * @param data the bytes between its position and limit
   * @throws IllegalStateException after {@link #writeEof()}
   */
  void write(ByteBuffer data);

  /**
   * {@link #write(ByteBuffer)} of a whole array.
   *
   * @param data the bytes to send
   */
  default void write(byte[] data) {
    write(ByteBuffer.wrap(data));
  }

  /**
   * Writes several buffers as one gathering write: asyncio's {@code writelines}.
   *
   * @param data the buffers, each consumed as by {@link #write(ByteBuffer)}
   */
  void writeLines(List<ByteBuffer> data);

  /**
   * Whether {@link #writeEof()} is supported (true for TCP and Unix stream sockets).
   *
   * @return whether {@link #writeEof()} works
   */
  boolean canWriteEof();

  /** Closes the write side once the buffer is sent; the read side stays open. */
  void writeEof();

  /**
   * Closes at once, dropping buffered data; {@link BaseProtocol#connectionLost} follows with
   * {@code null} on a later turn.
   */
  void abort();

  /**
   * Bytes buffered, not yet handed to the kernel.
   *
   * @return the buffered byte count
   */
  long getWriteBufferSize();

  /**
   * The current watermarks.
   *
   * @return the watermarks
   */
  WriteBufferLimits getWriteBufferLimits();

  /**
   * Sets the watermarks: asyncio's {@code set_write_buffer_limits}. Its defaults for a missing
   * watermark are {@link WriteBufferLimits#ofHigh} and {@link WriteBufferLimits#ofLow}; {@link
   * WriteBufferLimits#DEFAULT} restores asyncio's. May pause or resume the protocol at once.
   *
   * @param limits the new watermarks
   */
  void setWriteBufferLimits(WriteBufferLimits limits);
}
