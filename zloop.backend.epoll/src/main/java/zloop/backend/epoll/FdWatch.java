package zloop.backend.epoll;

import zloop.engine.spi.Backend;

/**
 * A raw descriptor watched for the user ({@code addReader}/{@code addWriter}): the backend never
 * reads, writes or closes it, and only reports readiness.
 */
final class FdWatch extends Registration {

  /** {@link Backend#READABLE} and/or {@link Backend#WRITABLE}. */
  int readiness;

  Backend.FdHandler handler;

  FdWatch(int fd) {
    super(fd);
  }

  @Override
  int interest() {
    return ((readiness & Backend.READABLE) != 0 ? Epoll.EPOLLIN : 0)
        | ((readiness & Backend.WRITABLE) != 0 ? Epoll.EPOLLOUT : 0);
  }

  /**
   * Errors and hang-ups wake both sides, as poll(2) reports them to readers and writers alike; a
   * side no longer watched (changed earlier in the same batch) is not reported.
   */
  @Override
  void onEvents(int events) {
    boolean failed = (events & (Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0;
    int ready =
        ((events & Epoll.EPOLLIN) != 0 || failed ? Backend.READABLE : 0)
            | ((events & Epoll.EPOLLOUT) != 0 || failed ? Backend.WRITABLE : 0);
    ready &= readiness;
    if (ready != 0) {
      handler.onReady(fd, ready);
    }
  }

  @Override
  void closeWithBackend() {
    handler = null; // the descriptor is the user's: it stays open
  }

  /** Names the descriptor in the loop's reports of a failing or slow watcher callback. */
  @Override
  public String toString() {
    return "FdWatch[fd="
        + fd
        + ((readiness & Backend.READABLE) != 0 ? ", reader" : "")
        + ((readiness & Backend.WRITABLE) != 0 ? ", writer" : "")
        + "]";
  }
}
