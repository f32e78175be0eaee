package zloop.backend.iouring;

import zloop.engine.spi.Backend;
import zloop.engine.spi.Backend.FdHandler;
import zloop.posix.Errno;

/**
 * A descriptor the loop watches but does not own ({@code addReader}/{@code addWriter}).
 *
 * <p>A one-shot POLL_ADD, armed again after each report: asyncio's watchers are level-triggered
 * ("called whenever the fd is readable"), and a multishot poll is not: it posts a completion per
 * wake-up of the file, so a callback that leaves bytes unread would never hear of them again. The
 * re-arm costs one submission in the next enter, no syscall; if the descriptor is still ready the
 * poll completes at once.
 *
 * <p>Changing the interest cancels the armed poll and moves the slot's {@link UserData#WATCH}
 * generation on, so a report for the old interest that races the cancel is dropped as stale.
 *
 * <p>Loop thread only.
 */
final class FdWatch extends RingUser {

  private final IoUringBackend backend;
  private final int fd;
  private int interest;
  private FdHandler handler;
  private boolean armed;
  private int armedEvents;

  FdWatch(IoUringBackend backend, int fd) {
    this.backend = backend;
    this.fd = fd;
  }

  /** Watches for {@code interest} (non-zero) from the next poll on. */
  void watch(int interest, FdHandler handler) {
    this.interest = interest;
    this.handler = handler;
    if (armed && armedEvents != pollEvents(interest)) {
      disarm();
    }
    backend.schedule(this);
  }

  /**
   * Stops watching and gives the slot back. The armed poll holds a reference to the descriptor's
   * file, so it is cancelled now, not with the next poll: once the watcher is removed the user may
   * close the descriptor and expect the file released, as with epoll.
   */
  void stop() {
    interest = 0;
    handler = null;
    if (armed) {
      disarm();
      backend.submitCancelsNow();
    }
    backend.release(this);
  }

  private void disarm() {
    backend.cancel(slot, UserData.WATCH);
    backend.slots().renew(slot, UserData.WATCH);
    armed = false;
  }

  @Override
  int submit() {
    if (!armed && interest != 0) {
      Submitter submitter = backend.submitter();
      armedEvents = pollEvents(interest);
      Sqe.pollAdd(
          submitter.sqes(),
          submitter.sqe(),
          fd,
          armedEvents,
          false,
          backend.userData(slot, UserData.WATCH));
      armed = true;
    }
    return 0;
  }

  @Override
  void complete(int kind, int res, int flags) {
    armed = false;
    if (res < 0) {
      if (res != -Errno.ECANCELED) {
        backend.reportError(
            "watching file descriptor " + fd + " failed; it is no longer watched",
            Errno.exception("poll", -res));
        backend.unwatch(fd);
      } else if (interest != 0) {
        backend.schedule(this); // cancelled by the exit of the thread that armed it
      }
      return;
    }
    int ready = readyBits(res, interest);
    if (ready != 0) {
      handler.onReady(fd, ready);
    }
    if (interest != 0 && slot >= 0) {
      backend.schedule(this); // level-triggered: ask again
    }
  }

  @Override
  void closeWithBackend() {
    interest = 0;
    handler = null;
  }

  /** The {@code poll(2)} events for a {@link Backend#READABLE}/{@link Backend#WRITABLE} mix. */
  static int pollEvents(int interest) {
    return ((interest & Backend.READABLE) != 0 ? IoUring.POLLIN : 0)
        | ((interest & Backend.WRITABLE) != 0 ? IoUring.POLLOUT : 0);
  }

  /**
   * The ready bits to report for the {@code poll(2)} result {@code revents}: errors and hang-ups
   * wake both sides, as poll(2) reports them to readers and writers alike.
   */
  static int readyBits(int revents, int interest) {
    int ready =
        ((revents & IoUring.POLLIN) != 0 ? Backend.READABLE : 0)
            | ((revents & IoUring.POLLOUT) != 0 ? Backend.WRITABLE : 0);
    if ((revents & (IoUring.POLLERR | IoUring.POLLHUP)) != 0) {
      ready |= Backend.READABLE | Backend.WRITABLE;
    }
    return ready & interest;
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
