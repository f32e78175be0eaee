package zloop.posix;

import zloop.engine.spi.WatchedFd;

/**
 * A raw descriptor watched for the user ({@code addReader}/{@code addWriter}): the backend never
 * reads, writes or closes it, and only reports readiness. Interest, handler and the translation of
 * events are the shared {@link WatchedFd}'s; what is the readiness backend's own is the poller
 * interest it keeps in line with it.
 */
final class WatchedFdRegistration extends ReadinessRegistration {

  final WatchedFd watched;

  WatchedFdRegistration(int fd) {
    super(fd);
    watched = new WatchedFd(fd);
  }

  @Override
  public int interest() {
    return watched.pollEvents();
  }

  /**
   * A side no longer watched (changed earlier in the same batch) is not reported. A socket error
   * the poller reported goes to a handler that takes it ({@link SocketErrorFdHandler}): the poller
   * may have consumed it from {@code SO_ERROR}.
   */
  @Override
  public void onEvents(int events, int socketError) {
    if (socketError != 0 && watched.handler() instanceof SocketErrorFdHandler h) {
      int ready = WatchedFd.readyBits(events) & watched.interest();
      if (ready != 0) {
        h.onReady(fd, ready, socketError);
      }
      return;
    }
    watched.reportPoll(events);
  }

  @Override
  public void closeWithBackend() {
    watched.clear(); // the descriptor is the user's: it stays open
  }

  @Override
  public String toString() {
    return watched.toString();
  }
}
