package zloop.backend.epoll;

/**
 * A file descriptor the backend watches: a socket it owns or a descriptor watched for the user.
 * Each has a slot in the backend's {@link zloop.posix.GenerationTable} from creation to release, and an epoll registration only
 * while it wants events.
 *
 * <p>Why "only while": epoll reports {@code EPOLLHUP} and {@code EPOLLERR} whatever the interest,
 * even an interest of 0, and level-triggered they repeat on every wait. A hung-up socket that
 * nobody reads (reading paused, nothing to write) would wake the loop forever, so a registration
 * whose {@link #interest()} drops to 0 is removed from epoll ({@code EPOLL_CTL_DEL}) and added back
 * when it wants events again.
 *
 * <p>Loop thread only.
 */
abstract class Registration {

  /** The descriptor. */
  final int fd;

  /** The slot in the backend's generation table; set by the backend when it adds this. */
  int slot = -1;

  /** The event mask epoll holds for {@link #fd}; {@code 0}: not in epoll at all. */
  int registered;

  Registration(int fd) {
    this.fd = fd;
  }

  /** The events wanted now: a mix of {@code EPOLLIN} and {@code EPOLLOUT}, or {@code 0}. */
  abstract int interest();

  /** Handles what {@code epoll_wait} reported ({@code EPOLLIN}, {@code EPOLLOUT}, errors). */
  abstract void onEvents(int events);

  /** The backend is closing: release what this holds, calling no handler. */
  abstract void closeWithBackend();
}
