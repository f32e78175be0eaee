package zloop.engine.spi;

import java.util.Objects;

/**
 * What a backend keeps for one descriptor watched for {@code addReader}/{@code addWriter} ({@link
 * Backend#watchFd}), and the rules every backend applies to it alike: which arguments are refused,
 * how {@code poll(2)} readiness becomes {@link Backend#READABLE}/{@link Backend#WRITABLE}, that an
 * error or hang-up wakes both sides, and that a side no longer watched is not reported.
 *
 * <p>A backend composes one per watched descriptor and keeps only its arming mechanism (epoll's
 * interest in {@code epoll_ctl}, io_uring's one-shot poll armed again after each report, kqueue's
 * filters). The engine's callbacks per side live behind the {@link Backend.FdHandler}.
 *
 * <p>The {@code POLL*} values are those of {@code poll(2)} on Linux and the BSDs; Linux's {@code
 * EPOLLIN}, {@code EPOLLOUT}, {@code EPOLLERR} and {@code EPOLLHUP} have the same values, so an
 * epoll event mask can be passed to {@link #reportPoll} as it is.
 *
 * <p>Loop thread only; reporting allocates nothing.
 */
public final class WatchedFd {

  /** {@code poll(2)}: data to read. */
  public static final int POLLIN = 0x001;

  /** {@code poll(2)}: writing will not block. */
  public static final int POLLOUT = 0x004;

  /** {@code poll(2)}: an error condition. */
  public static final int POLLERR = 0x008;

  /** {@code poll(2)}: hang-up. */
  public static final int POLLHUP = 0x010;

  private final int fd;
  private int interest;
  private Backend.FdHandler handler;

  public WatchedFd(int fd) {
    checkFd(fd);
    this.fd = fd;
  }

  /**
   * Refuses what {@link Backend#watchFd} must refuse before touching any state.
   *
   * @throws IllegalArgumentException for a negative descriptor or unknown interest bits
   * @throws NullPointerException for a {@code null} handler with a non-zero interest
   */
  public static void check(int fd, int interest, Backend.FdHandler handler) {
    checkFd(fd);
    if ((interest & ~(Backend.READABLE | Backend.WRITABLE)) != 0) {
      throw new IllegalArgumentException("unknown interest bits: " + interest);
    }
    if (interest != 0) {
      Objects.requireNonNull(handler, "handler");
    }
  }

  /** @throws IllegalArgumentException for a negative descriptor */
  public static void checkFd(int fd) {
    if (fd < 0) {
      throw new IllegalArgumentException("invalid file descriptor: " + fd);
    }
  }

  public int fd() {
    return fd;
  }

  /** {@link Backend#READABLE} and/or {@link Backend#WRITABLE}, or 0. */
  public int interest() {
    return interest;
  }

  public Backend.FdHandler handler() {
    return handler;
  }

  /** Watches for {@code interest} from now on; a report for a dropped side is not delivered. */
  public void set(int interest, Backend.FdHandler handler) {
    this.interest = interest;
    this.handler = handler;
  }

  /** Watches nothing any more and lets the handler go; later reports are dropped. */
  public void clear() {
    set(0, null);
  }

  /** The {@code poll(2)} events for the interest: {@link #POLLIN} and/or {@link #POLLOUT}. */
  public int pollEvents() {
    return ((interest & Backend.READABLE) != 0 ? POLLIN : 0)
        | ((interest & Backend.WRITABLE) != 0 ? POLLOUT : 0);
  }

  /** Reports {@code poll(2)} (or epoll) events {@code revents}; see {@link #readyBits}. */
  public void reportPoll(int revents) {
    report(readyBits(revents));
  }

  /** Calls the handler with the watched part of {@code readyBits}, if any is left. */
  public void report(int readyBits) {
    int ready = readyBits & interest;
    if (ready != 0) {
      handler.onReady(fd, ready);
    }
  }

  /**
   * The ready bits for {@code poll(2)} events: errors and hang-ups wake both sides, as poll(2)
   * reports them to readers and writers alike.
   */
  public static int readyBits(int revents) {
    if ((revents & (POLLERR | POLLHUP)) != 0) {
      return Backend.READABLE | Backend.WRITABLE;
    }
    return ((revents & POLLIN) != 0 ? Backend.READABLE : 0)
        | ((revents & POLLOUT) != 0 ? Backend.WRITABLE : 0);
  }

  /** Names the descriptor in the loop's reports of a failing or slow watcher callback. */
  @Override
  public String toString() {
    return "FdWatch[fd="
        + fd
        + ((interest & Backend.READABLE) != 0 ? ", reader" : "")
        + ((interest & Backend.WRITABLE) != 0 ? ", writer" : "")
        + "]";
  }
}
