package zloop.posix;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;

/**
 * The {@link SocketHandle} methods every native backend answers the same way, from its socket's
 * {@link PosixSocket} core: bind, listen, shutdown, sendfile, addresses, options, the descriptor
 * and whether it is open. A backend's socket implements this instead of {@link SocketHandle} and
 * keeps only what differs between backends: how it connects, reads, writes, accepts and closes.
 */
public interface PosixSocketHandle extends SocketHandle {

  /** The shared core this socket delegates to. */
  PosixSocket core();

  @Override
  default void bind(SocketAddress localAddress) throws IOException {
    core().bind(localAddress);
  }

  @Override
  default void listen(int backlog) throws IOException {
    core().listen(backlog);
  }

  @Override
  default void shutdownOutput() throws IOException {
    core().shutdownOutput();
  }

  /** {@code sendfile(2)} from a file this backend opened ({@link SocketCalls#openFile}). */
  @Override
  default long sendfileNow(SendFile file, long position, long count) throws IOException {
    return core().sendfile(file, position, count);
  }

  @Override
  default SocketAddress localAddress() {
    return core().localAddress();
  }

  @Override
  default SocketAddress remoteAddress() {
    return core().remoteAddress();
  }

  @Override
  default int fd() {
    PosixSocket core = core();
    return core.isOpen() ? core.fd() : -1;
  }

  @Override
  default <T> void setOption(SocketOption<T> option, T value) throws IOException {
    core().setOption(option, value);
  }

  @Override
  default <T> T getOption(SocketOption<T> option) throws IOException {
    return core().getOption(option);
  }

  @Override
  default boolean isOpen() {
    return core().isOpen();
  }
}
