package zloop.engine.spi;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import zloop.NetSocket;

/**
 * A socket owned by a backend, in whichever role the engine puts it: connecting, connected
 * (stream), or listening. One type for all three, like the file descriptor underneath.
 *
 * <p>Thread rules: loop thread only. Handlers are called only from inside {@link Backend#poll}
 * (never from inside one of these methods) and never after {@link #close()} returned: a backend
 * drops late events for a closed socket (a completion backend recycles their buffers).
 *
 * <p>Addresses: {@link java.net.InetSocketAddress} for TCP, {@link zloop.UnixAddress} for Unix
 * sockets (an unnamed Unix socket's address is {@code null}).
 *
 * <p>Never handed to users: the engine wraps it in its own {@link zloop.NetSocket}, which refuses
 * to close a socket a transport or a server owns. So a handle is not a {@code NetSocket}.
 */
public interface SocketHandle {

  // ---- the socket itself ----

  /** The local address, or {@code null} if unbound. */
  SocketAddress localAddress();

  /** The peer's address, or {@code null} if not connected. */
  SocketAddress remoteAddress();

  /** The file descriptor, or -1 on a backend that has none (nio). */
  int fd();

  /** Sets a socket option. */
  <T> void setOption(SocketOption<T> option, T value) throws IOException;

  /** Reads a socket option. */
  <T> T getOption(SocketOption<T> option) throws IOException;

  /** Binds the socket to a local address. */
  void bind(SocketAddress local) throws IOException;

  /** Makes a bound socket a listening one. */
  void listen(int backlog) throws IOException;

  /** Whether the socket is still open. */
  boolean isOpen();

  /** Closes the socket. Idempotent. */
  void close();

  /** Returned by {@link #writeNow} and {@link #sendfileNow} when the backend only moves bytes asynchronously. */
  long ASYNC_ONLY = -1;

  // ---- connecting ----

  /**
   * Starts a non-blocking connect; {@code done} is called once, from a later poll, with {@code
   * null} on success or the failure ({@link java.net.ConnectException} when refused).
   *
   * <p>A failure the kernel reports at once (a Unix path nobody listens on) is reported through
   * {@code done} too, from the next poll. After a failed connect the backend reports nothing more
   * for this socket; it may already be closed ({@link #isOpen()} false).
   *
   * @throws IOException if the arguments are unusable (an unresolved address, say)
   */
  void connect(SocketAddress remote, ConnectHandler done) throws IOException;

  // ---- stream: reading ----

  /** Sets who receives this stream's events. Must be set before reading or flushing. */
  void setStreamHandler(StreamHandler handler);

  /**
   * The engine's read target changed (the transport got a new protocol): a read the backend
   * started into a buffer the old protocol lent must not be reported to the new one. A completion
   * backend cancels such a read at once and delivers what it already received through the new
   * protocol; a readiness backend, which asks {@link StreamHandler#readBuffer()} right before each
   * read, has nothing to do (the default).
   */
  default void readTargetChanged() {}

  /**
   * Whether the backend writes into a buffer {@link StreamHandler#readBuffer()} returned only
   * during the read that asked for it (a readiness backend: ask, read, report, all in one call), so
   * the buffer is free again when that read's report returns. False for a completion backend, whose
   * kernel keeps the buffer until the read completes, turns later.
   */
  default boolean readsOnlyWhenAsked() {
    return true;
  }

  /**
   * Starts delivering data: each time bytes arrive the backend calls {@link
   * StreamHandler#readBuffer()} and then {@link StreamHandler#onData} or {@link
   * StreamHandler#onDataInto}; at end of stream {@link StreamHandler#onEof()} (once, and reading
   * stops). Idempotent.
   */
  void startReading();

  /**
   * Stops delivering data. A completion backend holds what already arrived until {@link
   * #startReading()}. Idempotent.
   */
  void stopReading();

  // ---- stream: writing ----

  /**
   * Writes what the kernel takes now, without blocking (a gathering write of {@code count}
   * buffers from {@code offset}), advancing the buffers' positions.
   *
   * <p>The engine calls it only while its write queue is empty, so bytes never overtake queued
   * ones.
   *
   * @return bytes written (0 if the kernel took none), or {@link #ASYNC_ONLY} if this backend
   *     never writes synchronously; then the engine queues the bytes and calls {@link #flush}
   * @throws IOException if the connection failed (reset, broken pipe)
   */
  long writeNow(ByteBuffer[] buffers, int offset, int count) throws IOException;

  /**
   * The queue holds bytes: move them to the kernel when it can take them, reporting each move with
   * {@link StreamHandler#onWritten}, until the queue is empty. The engine owns the queue and
   * removes written bytes from it inside {@code onWritten}; the buffers stay unchanged until then
   * (a completion backend may send from them directly). Calling it while a flush is under way is
   * harmless.
   */
  void flush(WriteQueue queue);

  /**
   * The engine dropped everything its write queue held (abort): nothing of it may reach the peer
   * any more. A completion backend cancels a send in flight from those buffers before this
   * returns, rather than at its next poll (the kernel may go on sending meanwhile); a readiness
   * backend, which never writes outside {@link #writeNow} and {@link #flush}, has nothing to do
   * (the default).
   */
  default void writesDropped() {}

  /** Closes the write side ({@code shutdown(SHUT_WR)}); call only with nothing queued. */
  void shutdownOutput() throws IOException;

  /**
   * Sends part of a file without blocking: the kernel's {@code sendfile} where there is one. The
   * file is open already ({@link Backend#openFileForSending}, once per {@code loop.sendfile} call,
   * by this socket's backend); this call never opens or closes it.
   *
   * @return bytes sent (0 if the socket is full: wait with {@link #awaitWritable}), or {@link
   *     #ASYNC_ONLY} if the backend cannot (the engine then copies through the write queue)
   * @throws java.io.EOFException if the file ends at {@code position} (the kernel's 0 there would
   *     read as "socket full")
   */
  long sendfileNow(SendFile file, long position, long count) throws IOException;

  /** Calls {@code whenWritable} once, from a later poll, when the socket can take bytes. */
  void awaitWritable(Runnable whenWritable);

  // ---- listening ----

  /**
   * Starts accepting connections on a listening socket; each is reported with {@link
   * AcceptHandler#onAccept}. A backend accepts at most a bounded number per poll.
   */
  void startAccepting(AcceptHandler handler);

  /** Stops accepting. Idempotent. */
  void stopAccepting();
}
