package zloop.engine.spi;

import java.net.SocketAddress;
import java.net.SocketOption;

/**
 * A pipe end as a {@link SocketHandle} ({@link Backend#openPipe}, {@link ChildHandle#pipe}), so the
 * engine's stream transport runs over it: the socket-only parts answer once, here. A pipe has no
 * addresses and no options, cannot bind, listen, connect or accept, and lets the engine copy a file
 * through its write queue instead of {@code sendfile}.
 */
public interface PipeHandle extends SocketHandle {

  /**
   * A pipe has no address.
   *
   * @return {@code null}
   */
  @Override
  default SocketAddress localAddress() {
    return null;
  }

  /**
   * A pipe has no peer address.
   *
   * @return {@code null}
   */
  @Override
  default SocketAddress remoteAddress() {
    return null;
  }

  @Override
  default <T> void setOption(SocketOption<T> option, T value) {
    throw notASocket();
  }

  @Override
  default <T> T getOption(SocketOption<T> option) {
    throw notASocket();
  }

  @Override
  default void bind(SocketAddress local) {
    throw notASocket();
  }

  @Override
  default void listen(int backlog) {
    throw notASocket();
  }

  @Override
  default void connect(SocketAddress remote, ConnectHandler done) {
    throw notASocket();
  }

  @Override
  default void startAccepting(AcceptHandler handler) {
    throw notASocket();
  }

  @Override
  default void stopAccepting() {}

  /**
   * The engine copies the file through the write queue.
   *
   * @return {@link #ASYNC_ONLY}
   */
  @Override
  default long sendfileNow(SendFile file, long position, long count) {
    return ASYNC_ONLY;
  }

  /**
   * The error of a socket-only call.
   *
   * @return an exception naming this pipe
   */
  default UnsupportedOperationException notASocket() {
    return new UnsupportedOperationException(this + " is a pipe, not a socket");
  }
}
