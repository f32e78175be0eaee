package zloop.backend.epoll;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import zloop.engine.spi.LoopContext;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;
import zloop.posix.EventFd;
import zloop.posix.Libc;
import zloop.posix.ReadinessBackend;
import zloop.posix.ReadinessRegistration;

/**
 * One loop's epoll instance: the poller of a {@link ReadinessBackend}. It waits in {@code
 * epoll_wait}, is woken through an eventfd, and hands readiness to the shared sockets and watched
 * descriptors.
 *
 * <p>Every event's {@code data} is the registration's token ({@link ReadinessBackend#token}), or
 * {@link #WAKEUP_TOKEN} for the wake-up eventfd. Readiness is level-triggered; each registration
 * says what it wants ({@link ReadinessRegistration#interest()}, {@code poll(2)} bits, which are
 * epoll's) and {@link #updateInterest} issues {@code epoll_ctl} only when that changed, removing
 * the descriptor from epoll while it wants nothing (see {@link ReadinessRegistration} for why).
 */
final class EpollBackend extends ReadinessBackend {

  /** How many events one {@code epoll_wait} returns at most; more simply wait for the next. */
  static final int DEFAULT_MAX_EVENTS = 1024;

  private final int epfd;
  private final EventFd wakeup;
  private final MemorySegment events;
  private final int maxEvents;
  private final MemorySegment ctlEvent;

  private EpollBackend(
      LoopContext context,
      Arena arena,
      ErrnoCapture errno,
      int epfd,
      EventFd wakeup,
      MemorySegment events,
      int maxEvents) {
    super(context, arena, errno);
    this.epfd = epfd;
    this.wakeup = wakeup;
    this.events = events;
    this.maxEvents = maxEvents;
    this.ctlEvent = arena.allocate(Epoll.EVENT);
  }

  /** Creates the epoll fd and the wake-up eventfd; on failure, releases what was created. */
  static EpollBackend open(LoopContext context, int maxEvents) throws IOException {
    Arena arena = Arena.ofShared();
    ErrnoCapture errno = new ErrnoCapture(arena);
    int epfd = -1;
    EventFd wakeup = null;
    try {
      epfd = (int) Errno.check("epoll_create1", Epoll.create(errno));
      wakeup = EventFd.open(arena, errno);
      MemorySegment registration = arena.allocate(Epoll.EVENT);
      Epoll.set(registration, Epoll.EPOLLIN, WAKEUP_TOKEN);
      Errno.check(
          "epoll_ctl", Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, wakeup.fd(), registration, errno));
      MemorySegment events = arena.allocate(Epoll.EVENT, maxEvents);
      return new EpollBackend(context, arena, errno, epfd, wakeup, events, maxEvents);
    } catch (Throwable t) {
      if (wakeup != null) {
        closeQuietly(wakeup);
      }
      if (epfd >= 0) {
        Libc.close(epfd, errno);
      }
      arena.close();
      throw t;
    }
  }

  @Override
  protected String name() {
    return "epoll";
  }

  @Override
  protected String controlCall() {
    return "epoll_ctl";
  }

  // ------------------------------------------------------------------ polling

  @Override
  protected int await(long timeoutNanos) {
    return Epoll.wait(epfd, events, maxEvents, Epoll.timeoutMillis(timeoutNanos), errno);
  }

  @Override
  protected String waitCall() {
    return "epoll_wait";
  }

  @Override
  protected int handleEvent(int i) throws IOException {
    long token = Epoll.data(events, i);
    if (token == WAKEUP_TOKEN) {
      wakeup.drain();
      return 1;
    }
    ReadinessRegistration r = registration(token);
    return r == null ? 0 : dispatch(r, Epoll.events(events, i), 0);
  }

  /** Signals the eventfd. Any thread; after {@link #close} it does nothing. */
  @Override
  public void wakeup() {
    wakeup.signal();
  }

  // ------------------------------------------------------------------ registrations

  /** {@code ADD}, {@code MOD} or {@code DEL}, or nothing if the interest did not change. */
  @Override
  protected int updateInterest(ReadinessRegistration r) {
    int want = r.interest();
    int have = r.registered();
    if (want == have) {
      return 0;
    }
    int op =
        have == 0 ? Epoll.EPOLL_CTL_ADD : want == 0 ? Epoll.EPOLL_CTL_DEL : Epoll.EPOLL_CTL_MOD;
    Epoll.set(ctlEvent, want, token(r));
    int result = Epoll.ctl(epfd, op, r.descriptor(), ctlEvent, errno);
    if (result == -Errno.ENOENT && op == Epoll.EPOLL_CTL_MOD) {
      // A watched descriptor was closed behind our back (which removed it from epoll) and its
      // number reused: register the new file.
      result = Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, r.descriptor(), ctlEvent, errno);
    } else if (op == Epoll.EPOLL_CTL_DEL && (result == -Errno.ENOENT || result == -Errno.EBADF)) {
      result = 0; // already gone with its descriptor
    }
    if (result == 0) {
      r.registered(want);
    }
    return result;
  }

  @Override
  protected void unregister(ReadinessRegistration r) {
    if (r.registered() != 0) {
      Epoll.set(ctlEvent, 0, 0L);
      Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, r.descriptor(), ctlEvent, errno); // fails only if already gone
      r.registered(0);
    }
  }

  // ------------------------------------------------------------------ closing

  @Override
  protected void closePoller() {
    try {
      wakeup.close();
    } catch (IOException e) {
      context.reportError("closing the epoll backend's eventfd failed", e);
    }
    int result = Libc.close(epfd, errno);
    if (result < 0) {
      context.reportError(
          "closing the epoll backend's epoll fd failed", Errno.exception("close", -result));
    }
  }

  private static void closeQuietly(EventFd eventFd) {
    try {
      eventFd.close();
    } catch (IOException e) {
      // already failing to open: the first failure is the one to report
    }
  }
}
