package zloop.engine.spi;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;

/**
 * A datagram socket owned by a backend (UDP over IPv4 or IPv6, or a Unix datagram socket): what
 * {@link Backend#openDatagramSocket} returns. The transport semantics (buffering, flow control,
 * closing, the protocol) are the engine's; the backend only moves datagrams and reports readiness.
 *
 * <p>Two ways to receive, never both at once: {@link #startReading} delivers every datagram to a
 * {@link DatagramHandler} (a transport), as many per poll as the backend reads in a batch; {@link
 * #receiveNow} and {@link #awaitReadable} serve one receive at a time (the loop's {@code
 * sockRecvFrom}).
 *
 * <p>Thread rules: loop thread only. Handlers and callbacks are called only from inside {@link
 * Backend#poll}, never from inside one of these methods, and never after {@link #close()}.
 */
public interface DatagramHandle {

  /** The local address, or {@code null} if unbound (an unnamed Unix socket). */
  SocketAddress localAddress();

  /** The connected peer's address, or {@code null} if not connected. */
  SocketAddress remoteAddress();

  /** The file descriptor, or -1 on a backend that has none (nio). */
  int fd();

  /** Sets a socket option ({@code SO_BROADCAST}, {@code SO_REUSEPORT}, buffer sizes...). */
  <T> void setOption(SocketOption<T> option, T value) throws IOException;

  /** Reads a socket option. */
  <T> T getOption(SocketOption<T> option) throws IOException;

  /** Binds the socket to a local address. */
  void bind(SocketAddress local) throws IOException;

  /**
   * Connects the socket to {@code remote} (no handshake: the kernel only fixes the peer, filters
   * what arrives, and queues ICMP errors for it). Synchronous.
   */
  void connect(SocketAddress remote) throws IOException;

  /** Whether the socket is still open. */
  boolean isOpen();

  /** Closes the socket; nothing is reported after it. Idempotent. */
  void close();

  // ---- receiving, transport style ----

  /**
   * Delivers every datagram to {@code handler} from the next poll on, until {@link
   * #stopReading()}. A datagram the backend took from the kernel is always delivered, unless the
   * handler stops reading or closes the socket during the batch (the engine does so only to
   * close, when nothing more is wanted).
   */
  void startReading(DatagramHandler handler);

  /** Stops delivering. Idempotent. */
  void stopReading();

  // ---- receiving, one at a time ----

  /**
   * Receives one datagram now, without blocking, into {@code into} from its position (the rest of
   * a longer datagram is lost), advancing the position.
   *
   * @return the number of bytes received, or -1 if no datagram is waiting
   * @throws IOException for an error the kernel queued (an ICMP error on a connected socket)
   */
  int receiveNow(ByteBuffer into) throws IOException;

  /** The sender of the datagram the last successful {@link #receiveNow} returned (or {@code null}). */
  SocketAddress lastSender();

  /** Calls {@code whenReadable} once, from a later poll, when a datagram (or an error) waits. */
  void awaitReadable(Runnable whenReadable);

  // ---- sending ----

  /**
   * Sends one datagram of {@code data} (position to limit) now, without blocking, moving its
   * position to its limit if sent.
   *
   * @param target where to, or {@code null} on a connected socket
   * @return true if the kernel took it, false if its send buffer is full (wait with {@link
   *     #awaitWritable})
   * @throws IOException if the kernel refused this datagram (too large, unreachable, refused)
   */
  boolean sendNow(ByteBuffer data, SocketAddress target) throws IOException;

  /** Calls {@code whenWritable} once, from a later poll, when the socket can take a datagram. */
  void awaitWritable(Runnable whenWritable);
}
