package zloop;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;

/**
 * A non-blocking socket of one loop: what {@link EventLoop#openTcpSocket}, {@link
 * EventLoop#openUnixSocket}, {@link EventLoop#adoptSocket} and {@link EventLoop#sockAccept} return,
 * what {@link Server#sockets()} lists, what the {@code "socket"} extra info of a transport holds,
 * and what the loop's {@code sock*} methods work on. The loop's own object (asyncio's {@code
 * TransportSocket}), never the backend's: the loop accepts only its own sockets back.
 *
 * <p><b>Owned sockets.</b> Once a transport or a server owns the socket (a transport's or a
 * server's socket, or one given to {@code createConnection}, {@code createServer} or {@code
 * connectAcceptedSocket}), the calls that would disrupt the owner throw {@link
 * IllegalStateException} ("owned by a transport; close the transport instead"): {@link #close()}
 * while the socket is open, {@link #bind}, {@link #listen}, and using it with the loop's {@code
 * sock*} methods. Reading the addresses, the descriptor and options, and setting options, stay
 * allowed.
 *
 * <p>Loop thread only ({@link IllegalStateException} from another thread while the loop runs),
 * except {@link #fd()} and {@link #isOpen()}, which any thread may read.
 */
public interface NetSocket extends AutoCloseable {

  /**
   * The local address, or {@code null} if unbound.
   *
   * @return the local address, or {@code null}
   */
  SocketAddress localAddress();

  /**
   * The peer's address, or {@code null} if not connected.
   *
   * @return the peer's address, or {@code null}
   */
  SocketAddress remoteAddress();

  /**
   * The file descriptor, or -1 on a backend that has none (nio).
   *
   * @return the descriptor, or -1
   */
  int fd();

  /**
   * Sets a socket option (for example {@link java.net.StandardSocketOptions#TCP_NODELAY}).
   *
   * @param <T> the option's value type
   * @param option the option
   * @param value its new value
   * @throws IOException if the system refuses the option or the value
   */
  <T> void setOption(SocketOption<T> option, T value) throws IOException;

  /**
   * Reads a socket option.
   *
   * @param <T> the option's value type
   * @param option the option
   * @return its value
   * @throws IOException if the system cannot read the option
   */
  <T> T getOption(SocketOption<T> option) throws IOException;

  /**
   * Binds the socket to a local address.
   *
   * @param local the local address
   * @throws IOException if the address cannot be bound (in use, not available)
   * @throws IllegalStateException if a transport or a server owns the socket
   */
  void bind(SocketAddress local) throws IOException;

  /**
   * Makes a bound socket a listening one.
   *
   * @param backlog the listen backlog
   * @throws IOException if the system refuses
   * @throws IllegalStateException if a transport or a server owns the socket
   */
  void listen(int backlog) throws IOException;

  /**
   * Whether the socket is still open.
   *
   * @return {@code true} until closed
   */
  boolean isOpen();

  /**
   * Closes the socket. Idempotent: on a socket its owner already closed, a no-op.
   *
   * @throws IllegalStateException if a transport or a server owns the socket and it is open
   *     (close the transport or the server instead)
   */
  @Override
  void close();
}
