package zloop.backend.epoll;

import zloop.engine.spi.WatchedFd;

/**
 * A raw descriptor watched for the user ({@code addReader}/{@code addWriter}): the backend never
 * reads, writes or closes it, and only reports readiness. Interest, handler and the translation of
 * events are the shared {@link WatchedFd}'s (epoll's event bits are poll(2)'s); what is epoll's own
 * is the {@code epoll_ctl} interest the backend keeps in line with it.
 */
final class FdWatch extends Registration {

  final WatchedFd watched;

  FdWatch(int fd) {
    super(fd);
    watched = new WatchedFd(fd);
  }

  @Override
  int interest() {
    return watched.pollEvents();
  }

  /** A side no longer watched (changed earlier in the same batch) is not reported. */
  @Override
  void onEvents(int events) {
    watched.reportPoll(events);
  }

  @Override
  void closeWithBackend() {
    watched.clear(); // the descriptor is the user's: it stays open
  }

  @Override
  public String toString() {
    return watched.toString();
  }
}
