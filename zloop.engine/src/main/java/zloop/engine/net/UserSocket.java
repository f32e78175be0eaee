package zloop.engine.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import zloop.NetSocket;
import zloop.engine.Loop;
import zloop.engine.spi.SocketHandle;

/**
 * The socket a user sees: the engine's wrapper around a backend's {@link SocketHandle}, asyncio's
 * {@code TransportSocket}. Every public method that hands out a socket hands out one of these, one
 * per handle, so the backend's object never leaves the engine.
 *
 * <p>While a transport or a server owns the socket, the calls that would pull it from under its
 * owner ({@link #close()}, {@link #bind}, {@link #listen}, and handing it to {@code sock*} or to
 * another transport) throw {@link IllegalStateException}; reading addresses, options and the
 * descriptor, and setting options, stay allowed (asyncio allows {@code setsockopt} too). Once the
 * owner closed the socket, {@code close()} is the no-op it is on any closed socket.
 *
 * <p>Loop thread only, like the handle.
 */
final class UserSocket implements NetSocket {
  final Loop loop;
  final SocketHandle handle;
  /** The transport or server that owns the socket, or {@code null} while the user does. */
  private Object owner;

  UserSocket(Loop loop, SocketHandle handle) {
    this.loop = loop;
    this.handle = handle;
  }

  /**
   * A user's socket, if it is one of {@code loop}'s, and free: no transport or server owns it.
   * Otherwise a refusal that says which rule was broken.
   *
   * @throws IllegalArgumentException if it is another loop's socket, or not a zloop socket
   * @throws IllegalStateException if a transport or a server owns it
   */
  static UserSocket freeOf(Loop loop, NetSocket socket) {
    if (!(socket instanceof UserSocket u)) {
      throw new IllegalArgumentException(
          "not a zloop socket (make one with EventLoop.openTcpSocket, openUnixSocket or"
              + " adoptSocket): "
              + socket);
    }
    if (u.loop != loop) {
      throw new IllegalArgumentException("socket belongs to another loop: " + socket);
    }
    u.checkFree("used by the loop");
    return u;
  }

  /** A transport or a server takes the socket: the user may no longer disrupt it. */
  void ownedBy(Object newOwner) {
    checkFree("given to another owner");
    owner = newOwner;
  }

  private void checkFree(String what) {
    if (owner != null) {
      throw new IllegalStateException(
          "this socket is owned by "
              + (owner instanceof ServerImpl ? "a server; close the server" : "a transport; close the transport")
              + " instead (it cannot be "
              + what
              + ")");
    }
  }

  @Override
  public SocketAddress localAddress() {
    loop.checkThread();
    return handle.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    loop.checkThread();
    return handle.remoteAddress();
  }

  @Override
  public int fd() {
    return handle.fd(); // a plain number, fixed for the handle's life: safe from any thread
  }

  @Override
  public <T> void setOption(SocketOption<T> option, T value) throws IOException {
    loop.checkThread();
    handle.setOption(option, value);
  }

  @Override
  public <T> T getOption(SocketOption<T> option) throws IOException {
    loop.checkThread();
    return handle.getOption(option);
  }

  @Override
  public void bind(SocketAddress local) throws IOException {
    loop.checkThread();
    checkFree("bound");
    handle.bind(local);
  }

  @Override
  public void listen(int backlog) throws IOException {
    loop.checkThread();
    checkFree("made listening");
    handle.listen(backlog);
  }

  @Override
  public boolean isOpen() {
    return handle.isOpen();
  }

  @Override
  public void close() {
    loop.checkThread();
    if (owner != null && handle.isOpen()) {
      checkFree("closed");
    }
    handle.close();
  }

  @Override
  public String toString() {
    return "NetSocket[fd=" + handle.fd() + ", " + handle + (owner != null ? ", owned" : "") + "]";
  }
}
