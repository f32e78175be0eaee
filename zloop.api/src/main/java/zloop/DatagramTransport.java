package zloop;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The sending side of a datagram endpoint, as its protocol sees it: asyncio's {@code
 * DatagramTransport}. Loop thread only.
 *
 * <h2>Sending and the write buffer</h2>
 *
 * {@link #sendTo} hands the datagram to the kernel at once when nothing is buffered; what the
 * kernel does not take now (its send buffer is full) is copied into the transport's buffer, in
 * order, and sent when the socket is writable again. The buffer's size counts each buffered
 * datagram's bytes plus 8 bytes for its header (as CPython 3.13 counts it, so that empty
 * datagrams weigh too); above the high watermark the protocol hears {@link
 * BaseProtocol#pauseWriting()}, at or below the low one {@link BaseProtocol#resumeWriting()}.
 * Datagrams are never merged or split. An error the kernel reports for one datagram (too large,
 * unreachable) goes to {@link DatagramProtocol#errorReceived} and drops that datagram only.
 *
 * <h2>Closing</h2>
 *
 * {@link #close()} stops receiving at once and sends what is buffered first; {@link #abort()}
 * drops it. Either way {@link BaseProtocol#connectionLost} follows once, on a later turn, and the
 * socket is closed after it. Datagrams sent after {@code close()} or {@code abort()} are dropped
 * (from the fifth one on, each drop is logged as a warning, asyncio's rule for lost connections).
 *
 * <h2>Extra info names</h2>
 *
 * {@code "sockname"} and {@code "peername"} ({@link SocketAddress}; {@code "peername"} is {@code
 * null} unless the endpoint is connected), {@code "socket"} (the {@link NetSocket}, for options),
 * {@code "backend"} (the backend's name).
 */
public interface DatagramTransport {

  /**
   * Sends one datagram of the bytes between the buffer's position and limit (empty datagrams are
   * sent too), consuming the buffer: its position moves to its limit and it is free again when
   * this returns.
   *
   * @param data the datagram
   * @param address where to, or {@code null} on a connected endpoint (its peer); a connected
   *     endpoint also accepts its peer's address
   * @throws IllegalArgumentException if the endpoint is connected and {@code address} is another
   *     one, or it is not connected and {@code address} is {@code null}, or the address is
   *     unresolved or of the wrong type for the socket (a Unix address on a UDP socket)
   * @throws NullPointerException if {@code data} is {@code null}
   */
  void sendTo(ByteBuffer data, SocketAddress address);

  /**
   * {@link #sendTo} to the connected peer.
   *
   * @param data the datagram
   * @throws IllegalArgumentException if the endpoint is not connected
   */
  default void send(ByteBuffer data) {
    sendTo(data, null);
  }

  /**
   * Closes after sending what is buffered; receiving stops at once. Idempotent.
   */
  void close();

  /** Closes at once, dropping what is buffered. Idempotent. */
  void abort();

  /**
   * Whether {@link #close()} or {@link #abort()} was called, or the transport failed.
   *
   * @return true once closing has begun
   */
  boolean isClosing();

  /**
   * Extra information by name (see the class comment).
   *
   * @param name the information's name
   * @return its value, or {@code null} if there is none
   */
  Object getExtraInfo(String name);

  /**
   * Extra information by typed key, as on a stream {@link Transport}: {@code
   * getExtraInfo(ExtraInfo.PEERNAME)}. A datagram transport answers {@link ExtraInfo#SOCKNAME},
   * {@link ExtraInfo#PEERNAME}, {@link ExtraInfo#SOCKET} and {@link ExtraInfo#BACKEND}; the TLS
   * keys answer {@code null}.
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
  void setProtocol(DatagramProtocol protocol);

  /**
   * The protocol receiving events.
   *
   * @return the current protocol
   */
  DatagramProtocol getProtocol();

  /**
   * The buffered bytes not yet handed to the kernel (see the class comment for what counts).
   *
   * @return the write buffer's size in bytes
   */
  long getWriteBufferSize();

  /**
   * The current watermarks.
   *
   * @return the limits in force
   */
  WriteBufferLimits getWriteBufferLimits();

  /**
   * Sets the watermarks ({@link WriteBufferLimits#DEFAULT} for asyncio's); may pause or resume
   * the protocol at once.
   *
   * @param limits the new limits
   */
  void setWriteBufferLimits(WriteBufferLimits limits);
}
