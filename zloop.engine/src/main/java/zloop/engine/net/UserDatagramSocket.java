package zloop.engine.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import zloop.NetSocket;
import zloop.engine.Loop;
import zloop.engine.spi.DatagramHandle;

/**
 * A datagram socket as the user sees it: the engine's wrapper around a backend's {@link
 * DatagramHandle}, as {@link UserSocket} is for stream sockets, with the same ownership rule: while
 * a datagram transport owns it, {@link #close()} and {@link #bind} are refused and it cannot be
 * used with the loop's {@code sock*} methods; addresses and options stay readable and settable.
 *
 * <p>It also keeps the one receive and the one send that the loop's {@code sockRecvFrom} and
 * {@code sockSendTo} may have waiting on it at a time.
 *
 * <p>Loop thread only.
 */
final class UserDatagramSocket implements NetSocket {
  final Loop loop;
  final DatagramHandle handle;
  final StandardProtocolFamily family;
  final TargetCheck targets;
  /** The transport that owns the socket, or {@code null} while the user does. */
  private Object owner;
  /** The {@code sockRecvFrom} waiting, or {@code null}. */
  Object receiving;
  /** The {@code sockSendTo} waiting, or {@code null}. */
  Object sending;

  UserDatagramSocket(Loop loop, DatagramHandle handle, StandardProtocolFamily family) {
    this.loop = loop;
    this.handle = handle;
    this.family = family;
    this.targets = new TargetCheck(family);
  }

  /**
   * A user's datagram socket of {@code loop} that no transport owns.
   *
   * @throws IllegalArgumentException if it is not a datagram socket of this loop
   * @throws IllegalStateException if a transport owns it
   */
  static UserDatagramSocket freeOf(Loop loop, NetSocket socket) {
    if (!(socket instanceof UserDatagramSocket u)) {
      throw new IllegalArgumentException(
          "not a zloop datagram socket (make one with EventLoop.openDatagramSocket): " + socket);
    }
    if (u.loop != loop) {
      throw new IllegalArgumentException("socket belongs to another loop: " + socket);
    }
    u.checkFree("used by the loop");
    return u;
  }

  void ownedBy(Object transport) {
    checkFree("given to another owner");
    owner = transport;
  }

  private void checkFree(String what) {
    if (owner != null) {
      throw new IllegalStateException(
          "this socket is owned by a transport; close the transport instead (it cannot be "
              + what
              + ")");
    }
  }

  /** Connects the socket and lets its target check know the peer. */
  void connect(SocketAddress remote) throws IOException {
    targets.checkFamily(remote);
    handle.connect(remote);
    targets.connected(remote, handle.remoteAddress());
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
    return handle.fd();
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
    targets.checkFamily(local);
    handle.bind(local);
  }

  /** A datagram socket never listens. */
  @Override
  public void listen(int backlog) throws IOException {
    loop.checkThread();
    throw new SocketException("a datagram socket cannot listen");
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
    return "NetSocket[datagram, fd=" + handle.fd() + ", " + handle + (owner != null ? ", owned" : "") + "]";
  }
}
