package zloop.backend.iouring;

import zloop.posix.EventFd;
import java.io.IOException;
import zloop.posix.Errno;

/**
 * The backend's wake-up mechanism (the engine's {@code CoalescedWakeup} decides when to use it): an
 * {@link EventFd} watched by a multishot POLL_ADD on the ring (tagged
 * {@link UserData#WAKEUP_ID}), so a signal from any thread completes a waiting {@code
 * io_uring_enter}. Each eventfd write wakes the poll, which stays armed; it is armed again only if
 * the kernel ends it (no {@code IORING_CQE_F_MORE}).
 *
 * <p>Thread rules: {@link #signal} from any thread (a no-op once closed); the rest on the loop
 * thread.
 */
final class WakeupPoll implements AutoCloseable {

  private final EventFd eventFd;
  private boolean armed;

  WakeupPoll(EventFd eventFd) {
    this.eventFd = eventFd;
  }

  /** Any thread. */
  void signal() {
    eventFd.signal();
  }

  /** Arms the poll if it is not armed. */
  void submit(Submitter submitter) {
    if (!armed) {
      long at = submitter.sqe();
      Sqe.pollAdd(
          submitter.sqes(), at, eventFd.fd(), IoUring.POLLIN, true, UserData.WAKEUP_ID);
      armed = true;
    }
  }

  /**
   * The poll fired (or ended): resets the counter so the next signal wakes it again.
   *
   * @return whether this was a wake-up (an event), not the poll ending with an error
   */
  boolean complete(int res, int flags) throws IOException {
    if (!Cqe.more(flags)) {
      armed = false;
    }
    if (res < 0) {
      if (res == -Errno.ECANCELED) {
        return false;
      }
      throw Errno.exception("poll on the wake-up eventfd", -res);
    }
    eventFd.drain();
    return true;
  }

  /** Whether the poll is armed (one operation in flight that writes no memory of ours). */
  boolean isArmed() {
    return armed;
  }

  /** The ring was replaced: the poll must be armed on the new one. */
  void disarm() {
    armed = false;
  }

  /** Closes the eventfd once signals in progress are done. */
  @Override
  public void close() throws IOException {
    eventFd.close();
  }
}
