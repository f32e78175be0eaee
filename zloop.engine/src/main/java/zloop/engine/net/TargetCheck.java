package zloop.engine.net;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import zloop.UnixAddress;

/**
 * Where a datagram socket may send: an address of its family, or on a connected socket only its
 * peer (asyncio's "Invalid address: must be None or ..."). Bad targets are the caller's mistake,
 * refused before the kernel sees them with an {@link IllegalArgumentException} that says why.
 */
final class TargetCheck {
  private final StandardProtocolFamily family;
  private SocketAddress peer;
  private SocketAddress kernelPeer;

  TargetCheck(StandardProtocolFamily family) {
    this.family = family;
  }

  /** The socket is connected to {@code given}, which the kernel knows as {@code kernel}. */
  void connected(SocketAddress given, SocketAddress kernel) {
    peer = given;
    kernelPeer = kernel;
  }

  /**
   * The address to pass to the backend: {@code null} on a connected socket.
   *
   * @throws IllegalArgumentException if {@code address} is not one this socket may send to
   */
  SocketAddress check(SocketAddress address) {
    if (peer != null) {
      if (address == null || address.equals(peer) || address.equals(kernelPeer)) {
        return null;
      }
      throw new IllegalArgumentException("Invalid address: must be null or " + peer);
    }
    if (address == null) {
      throw new IllegalArgumentException(
          "no address: the endpoint is not connected, so each datagram needs one");
    }
    checkFamily(address);
    return address;
  }

  /**
   * @throws IllegalArgumentException if {@code address} is not of this socket's family, or is
   *     unresolved
   */
  void checkFamily(SocketAddress address) {
    switch (address) {
      case InetSocketAddress inet -> {
        if (family == StandardProtocolFamily.UNIX) {
          throw new IllegalArgumentException("an IP address for a Unix datagram socket: " + inet);
        }
        if (inet.isUnresolved()) {
          throw new IllegalArgumentException(
              "unresolved address " + inet + ": resolve it first (loop.getAddrInfo)");
        }
        if (family == StandardProtocolFamily.INET && inet.getAddress() instanceof Inet6Address) {
          throw new IllegalArgumentException("an IPv6 address for an IPv4 socket: " + inet);
        }
      }
      case UnixAddress unix -> requireUnix(unix);
      case UnixDomainSocketAddress unix -> requireUnix(unix);
      default ->
          throw new IllegalArgumentException(
              "unsupported address type " + address.getClass().getName() + ": " + address);
    }
  }

  private void requireUnix(SocketAddress address) {
    if (family != StandardProtocolFamily.UNIX) {
      throw new IllegalArgumentException("a Unix address for a UDP socket: " + address);
    }
  }
}
