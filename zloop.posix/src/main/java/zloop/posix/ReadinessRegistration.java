package zloop.posix;

/**
 * A file descriptor a readiness backend (epoll, kqueue) watches: a socket it owns or a descriptor
 * watched for the user. Each has a slot in the backend's {@link GenerationTable} from creation to
 * release, and a registration with the poller only while it wants events.
 *
 * <p>Interest and events are {@code poll(2)} bits ({@link zloop.engine.spi.WatchedFd#POLLIN},
 * {@code POLLOUT}, {@code POLLERR}, {@code POLLHUP}): epoll's bits are the same numbers, and the
 * kqueue backend translates its filters and flags into them.
 *
 * <p>Why "only while it wants events": epoll reports {@code EPOLLHUP} and {@code EPOLLERR} whatever
 * the interest, even an interest of 0, and level-triggered they repeat on every wait. A hung-up
 * socket that nobody reads (reading paused, nothing to write) would wake the loop forever, so a
 * registration whose {@link #interest()} drops to 0 leaves the poller and comes back when it wants
 * events again.
 *
 * <p>Loop thread only.
 */
public abstract class ReadinessRegistration {

  /** The descriptor. */
  protected final int fd;

  /** The slot in the backend's generation table; set by the backend when it adds this. */
  int slot = -1;

  /** The {@code poll(2)} interest the poller holds (or has been asked to hold); {@code 0}: none. */
  int registered;

  /**
   * A registration of {@code fd}.
   *
   * @param fd the descriptor
   */
  protected ReadinessRegistration(int fd) {
    this.fd = fd;
  }

  /**
   * The descriptor registered with the poller (named so that it never stands in for {@code
   * SocketHandle.fd()}, which turns {@code -1} at close).
   *
   * @return the descriptor
   */
  public final int descriptor() {
    return fd;
  }

  /**
   * The slot in the backend's generation table.
   *
   * @return the slot, {@code -1} before the backend added this
   */
  public final int slot() {
    return slot;
  }

  /**
   * The interest the poller holds (or has been asked to hold, where changes are batched).
   *
   * @return a mix of {@code POLLIN} and {@code POLLOUT}, or {@code 0}
   */
  public final int registered() {
    return registered;
  }

  /**
   * Records the interest the poller now holds; the backend calls this once it applied (or queued)
   * the change.
   *
   * @param interest a mix of {@code POLLIN} and {@code POLLOUT}, or {@code 0}
   */
  public final void registered(int interest) {
    registered = interest;
  }

  /**
   * The events wanted now.
   *
   * @return a mix of {@code POLLIN} and {@code POLLOUT}, or {@code 0}
   */
  public abstract int interest();

  /**
   * Handles what the poller reported.
   *
   * @param events {@code poll(2)} bits: {@code POLLIN}, {@code POLLOUT}, {@code POLLERR}, {@code
   *     POLLHUP}
   * @param socketError the socket's pending error where the poller reports it with the event (and
   *     may have consumed it: libkqueue reads {@code SO_ERROR} to fill kqueue's {@code fflags}), or
   *     {@code 0}: then {@code SO_ERROR} still holds it
   */
  public abstract void onEvents(int events, int socketError);

  /**
   * The poller refused a change this registration asked for (a batched one, so it is learnt later):
   * what wants events cannot be served. The default does nothing (nothing is waiting on it).
   *
   * @param call the call that failed, for the message ({@code "kevent"})
   * @param errno the error
   */
  public void changeFailed(String call, int errno) {}

  /** The backend is closing: release what this holds, calling no handler. */
  public abstract void closeWithBackend();
}
