package zloop.backend.nio;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;
import zloop.UnixAddress;
import zloop.engine.spi.SocketKind;

/**
 * Converts between zloop's addresses and the JDK's: {@link InetSocketAddress} is the same on both
 * sides; a Unix socket is a {@link UnixAddress} in zloop and a {@link UnixDomainSocketAddress} in
 * the JDK, which has no abstract names.
 */
final class NioAddresses {
  static final String NO_ABSTRACT_NAMES = "abstract Unix socket names need the epoll backend";

  private NioAddresses() {}

  /**
   * The JDK address to bind or connect a socket of {@code kind} to, checked before any channel is
   * touched: a wrong address type or an unresolved host fails here, not halfway through a connect.
   *
   * @throws UnsupportedOperationException for an abstract Unix name
   * @throws UnsupportedAddressTypeException if the address does not suit the socket's kind
   * @throws UnresolvedAddressException for an unresolved {@link InetSocketAddress}
   */
  static SocketAddress toJdk(SocketAddress address, SocketKind kind) {
    Objects.requireNonNull(address, "address");
    if (kind == SocketKind.UNIX) {
      if (address instanceof UnixAddress unix) {
        if (unix.isAbstract()) {
          throw new UnsupportedOperationException(NO_ABSTRACT_NAMES);
        }
        return UnixDomainSocketAddress.of(unix.path());
      }
      if (address instanceof UnixDomainSocketAddress) {
        return address;
      }
      throw new UnsupportedAddressTypeException();
    }
    if (!(address instanceof InetSocketAddress inet)) {
      throw new UnsupportedAddressTypeException();
    }
    if (inet.isUnresolved()) {
      throw new UnresolvedAddressException();
    }
    return inet;
  }

  /** zloop's form of an address the JDK reports; an unnamed Unix socket's address is null. */
  static SocketAddress fromJdk(SocketAddress address) {
    if (address instanceof UnixDomainSocketAddress unix) {
      return unix.getPath().toString().isEmpty() ? null : UnixAddress.of(unix.getPath());
    }
    return address;
  }
}
