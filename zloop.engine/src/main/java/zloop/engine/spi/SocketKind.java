package zloop.engine.spi;

import java.net.StandardProtocolFamily;

/** The sockets a backend must be able to open. */
public enum SocketKind {
  /** TCP over IPv4. */
  TCP4(StandardProtocolFamily.INET),
  /** TCP over IPv6. */
  TCP6(StandardProtocolFamily.INET6),
  /** A Unix-domain stream socket. */
  UNIX(StandardProtocolFamily.UNIX);

  private final StandardProtocolFamily family;

  SocketKind(StandardProtocolFamily family) {
    this.family = family;
  }

  /** The JDK's name of this kind's address family. */
  public StandardProtocolFamily family() {
    return family;
  }

  /** The stream socket kind of an address family. */
  public static SocketKind of(StandardProtocolFamily family) {
    return switch (family) {
      case INET -> TCP4;
      case INET6 -> TCP6;
      case UNIX -> UNIX;
    };
  }
}
