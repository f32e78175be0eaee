package zloop;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;

/**
 * A non-blocking socket owned by a loop's backend: what {@link Server#sockets()} lists, what the
 * {@code "socket"} extra info of a transport holds, and what the loop's {@code sock*} methods work
 * on. Loop thread only.
 */
public interface NetSocket extends AutoCloseable {

  /** The local address, or {@code null} if unbound. */
  SocketAddress localAddress();

  /** The peer's address, or {@code null} if not connected. */
  SocketAddress remoteAddress();

  /** The file descriptor, or -1 on a backend that has none (nio). */
  int fd();

  /** Sets a socket option (for example {@link java.net.StandardSocketOptions#TCP_NODELAY}). */
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
  @Override
  void close();
}
