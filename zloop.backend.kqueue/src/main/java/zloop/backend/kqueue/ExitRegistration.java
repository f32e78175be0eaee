package zloop.backend.kqueue;

import zloop.engine.spi.Backend;
import zloop.posix.ReadinessRegistration;

/**
 * A child's exit watched by pid ({@code EVFILT_PROC}/{@code NOTE_EXIT}): a registration of the
 * kqueue backend's own, in its table only so that the knote's {@code udata} token finds it. Its
 * "descriptor" is the pid, which never reaches a read/write filter.
 */
final class ExitRegistration extends ReadinessRegistration {

  Backend.FdHandler handler;

  /** Whether a zero-length timer stands in for {@code NOTE_EXIT} (the child was gone already). */
  boolean byTimer;

  ExitRegistration(int pid, Backend.FdHandler handler) {
    super(pid);
    this.handler = handler;
  }

  int pid() {
    return fd;
  }

  /** No read/write interest: the knote is {@code EVFILT_PROC}'s, managed by the backend. */
  @Override
  public int interest() {
    return 0;
  }

  /** The child exited: its handler reaps it (and then stops the watch). */
  @Override
  public void onEvents(int events, int socketError) {
    Backend.FdHandler h = handler;
    if (h != null) {
      h.onReady(fd, Backend.READABLE);
    }
  }

  @Override
  public void closeWithBackend() {
    handler = null;
  }

  @Override
  public String toString() {
    return "ExitWatch[pid=" + fd + "]";
  }
}
