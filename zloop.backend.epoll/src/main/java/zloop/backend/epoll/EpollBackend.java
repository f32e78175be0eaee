package zloop.backend.epoll;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import zloop.engine.spi.Backend;
import zloop.engine.spi.LoopContext;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;
import zloop.posix.Libc;

/**
 * One loop's epoll instance: waits in {@code epoll_wait} and is woken through an eventfd.
 *
 * <p>Every event's {@code data} is a token: {@link #WAKEUP_TOKEN} for the wake-up eventfd; the fd
 * registrations that sockets bring will use the other values (an index into a handler table). An
 * event with a token nobody owns is reported to the loop and dropped, never fatal.
 *
 * <p>Memory: the backend is created on one thread and polled on the loop thread, so its segments
 * live in a shared arena, allocated once in {@link #open} and freed in {@link #close}.
 */
final class EpollBackend implements Backend {

  /** The {@code data} of the wake-up eventfd's events. */
  static final long WAKEUP_TOKEN = -1L;

  /** How many events one {@code epoll_wait} returns at most; more simply wait for the next. */
  static final int DEFAULT_MAX_EVENTS = 1024;

  private final LoopContext context;
  private final Arena arena;
  private final ErrnoCapture errno;
  private final int epfd;
  private final EventFd wakeup;
  private final MemorySegment events;
  private final int maxEvents;
  private boolean closed;

  private EpollBackend(
      LoopContext context,
      Arena arena,
      ErrnoCapture errno,
      int epfd,
      EventFd wakeup,
      MemorySegment events,
      int maxEvents) {
    this.context = context;
    this.arena = arena;
    this.errno = errno;
    this.epfd = epfd;
    this.wakeup = wakeup;
    this.events = events;
    this.maxEvents = maxEvents;
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
  public int poll(long timeoutNanos) throws IOException {
    if (closed) {
      throw new IllegalStateException("epoll backend is closed");
    }
    int n = Epoll.wait(epfd, events, maxEvents, Epoll.timeoutMillis(timeoutNanos), errno);
    if (n < 0) {
      if (n == -Errno.EINTR) {
        return 0; // a signal: the engine recomputes its timeout and polls again
      }
      throw Errno.exception("epoll_wait", -n);
    }
    for (int i = 0; i < n; i++) {
      long token = Epoll.data(events, i);
      if (token == WAKEUP_TOKEN) {
        wakeup.drain();
      } else {
        context.reportError(
            "epoll returned an event for no registration; dropped",
            new IllegalStateException(
                "token " + token + ", events 0x" + Integer.toHexString(Epoll.events(events, i))));
      }
    }
    return n;
  }

  /** Signals the eventfd. Any thread; after {@link #close} it does nothing. */
  @Override
  public void wakeup() {
    wakeup.signal();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
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
    arena.close();
  }

  private static void closeQuietly(EventFd eventFd) {
    try {
      eventFd.close();
    } catch (IOException e) {
      // already failing to open: the first failure is the one to report
    }
  }
}
