package zloop.posix;

import zloop.engine.spi.Backend;

/**
 * A watch handler of the POSIX core that also takes the socket error a poller reported with the
 * readiness: kqueue's {@code EV_EOF} carries it in {@code fflags}, and libkqueue reads (and so
 * clears) {@code SO_ERROR} to fill it, so a handler that only got ready bits would find no error
 * left to read. Readiness backends hand it over through {@link WatchedFdRegistration}; others call
 * the plain {@link Backend.FdHandler#onReady}, and the error then stays in {@code SO_ERROR}.
 */
interface SocketErrorFdHandler extends Backend.FdHandler {

  /**
   * Readiness with the error the poller reported.
   *
   * @param fd the descriptor
   * @param readyBits {@link Backend#READABLE} and/or {@link Backend#WRITABLE}
   * @param socketError the socket error as an {@link Errno} kind, never {@code 0}
   */
  void onReady(int fd, int readyBits, int socketError);
}
