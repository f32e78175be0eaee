package zloop.engine.spi;

/** The sockets a backend must be able to open. */
public enum SocketKind {
  /** TCP over IPv4. */
  TCP4,
  /** TCP over IPv6. */
  TCP6,
  /** A Unix-domain stream socket. */
  UNIX
}
