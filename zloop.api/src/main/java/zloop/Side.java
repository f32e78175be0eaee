package zloop;

/** Which end of a TLS connection this one plays, for {@link EventLoop#startTls}. */
public enum Side {
  /** Starts the handshake and checks the server's certificate. */
  CLIENT,
  /** Answers the handshake with its certificate. */
  SERVER
}
