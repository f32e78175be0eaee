package zloop.backend.iouring;

import zloop.engine.spi.Backend.FdHandler;
import zloop.engine.spi.WatchedFd;
import zloop.posix.Errno;

/**
 * A descriptor the loop watches but does not own ({@code addReader}/{@code addWriter}). Interest,
 * handler and the translation of poll(2) results are the shared {@link WatchedFd}'s; what is
 * io_uring's own is how the poll is armed.
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
  private final WatchedFd watched;
  private boolean armed;
  private int armedEvents;

  FdWatch(IoUringBackend backend, int fd) {
    this.backend = backend;
    this.watched = new WatchedFd(fd);
  }

  /** Watches for {@code interest} (non-zero) from the next poll on. */
  void watch(int interest, FdHandler handler) {
    watched.set(interest, handler);
    if (armed && armedEvents != watched.pollEvents()) {
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
    watched.clear();
    if (armed) {
      disarm();
      backend.submitCancelsNow();
    }
    backend.release(this);
  }

  private void disarm() {
    backend.cancel(slot, UserData.WATCH);
    backend.renew(slot, UserData.WATCH);
    armed = false;
  }

  @Override
  int submit() {
    if (!armed && watched.interest() != 0) {
      Submitter submitter = backend.submitter();
      armedEvents = watched.pollEvents();
      Sqe.pollAdd(
          submitter.sqes(),
          submitter.sqe(),
          watched.fd(),
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
            "watching file descriptor " + watched.fd() + " failed; it is no longer watched",
            Errno.exception("poll", -res));
        backend.unwatch(watched.fd());
      } else if (watched.interest() != 0) {
        backend.schedule(this); // cancelled by the exit of the thread that armed it
      }
      return;
    }
    watched.reportPoll(res);
    if (watched.interest() != 0 && slot >= 0) {
      backend.schedule(this); // level-triggered: ask again
    }
  }

  @Override
  void closeWithBackend() {
    watched.clear();
  }

  @Override
  public String toString() {
    return watched.toString();
  }
}
