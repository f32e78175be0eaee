package zloop.backend.epoll;

import zloop.posix.EventFd;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import zloop.engine.spi.DatagramHandle;
import zloop.posix.DatagramSockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import zloop.engine.spi.Backend;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.spi.WatchedFd;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;
import zloop.posix.ForeignSocket;
import zloop.posix.GenerationTable;
import zloop.posix.Libc;
import zloop.posix.PosixSocket;
import zloop.posix.SocketCalls;

/**
 * One loop's epoll instance: waits in {@code epoll_wait}, is woken through an eventfd, and
 * dispatches readiness to its sockets and watched descriptors.
 *
 * <p>Every event's {@code data} is a token: {@link #WAKEUP_TOKEN} for the wake-up eventfd, else a
 * {@code [generation:32 | slot:32]} naming a slot of the {@link GenerationTable} (one generation
 * per slot), so an event for a registration that was closed earlier in the same batch (its slot
 * perhaps already reused) is dropped. A token never equals {@link #WAKEUP_TOKEN}: that would need
 * slot {@code 0xFFFFFFFF}, and slots are non-negative {@code int}s. Readiness is
 * level-triggered; each {@link Registration} says what it wants ({@link Registration#interest()})
 * and {@link #update} issues {@code epoll_ctl} only when that changed, removing the descriptor from
 * epoll while it wants nothing (see {@link Registration} for why).
 *
 * <p>Memory: the backend is created on one thread and polled on the loop thread, so its segments
 * live in a shared arena, allocated once in {@link #open} and freed in {@link #close}. Dispatch
 * allocates nothing per event.
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
  private final MemorySegment ctlEvent;
  private final SocketIo io;
  private final SocketCalls calls;
  private final GenerationTable<Registration> table =
      new GenerationTable<>(64, 1, Integer.MAX_VALUE);
  private final Map<Integer, FdWatch> watches = new HashMap<>();
  private final ArrayDeque<EpollSocket> failures = new ArrayDeque<>();
  private long staleEvents;
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
    this.ctlEvent = arena.allocate(Epoll.EVENT);
    this.io = new SocketIo(arena, errno);
    this.calls = new SocketCalls(arena, errno);
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

  // ------------------------------------------------------------------ polling

  @Override
  public int poll(long timeoutNanos) throws IOException {
    ensureOpen();
    // A deferred failure is an event too: report it without waiting.
    long timeout = failures.isEmpty() ? timeoutNanos : 0;
    int n = Epoll.wait(epfd, events, maxEvents, Epoll.timeoutMillis(timeout), errno);
    if (n < 0) {
      if (n != -Errno.EINTR) {
        throw Errno.exception("epoll_wait", -n);
      }
      n = 0; // a signal: the engine recomputes its timeout and polls again
    }
    int dispatched = 0;
    for (int i = 0; i < n && !closed; i++) {
      long token = Epoll.data(events, i);
      if (token == WAKEUP_TOKEN) {
        wakeup.drain();
        dispatched++;
        continue;
      }
      Registration r = table.get((int) token, 0, (int) (token >>> 32));
      if (r == null) {
        staleEvents++; // its registration closed earlier in this batch: nobody to tell
        continue;
      }
      dispatched += context.dispatch(ON_EVENTS, r, Epoll.events(events, i), 0, 0);
    }
    while (!failures.isEmpty() && !closed) {
      dispatched += context.dispatch(DELIVER_FAILURE, failures.poll(), 0, 0, 0);
    }
    return dispatched;
  }

  /**
   * One event to one registration, run under the loop's guard ({@link LoopContext#dispatch}): a
   * handler's failure is reported and costs nothing else of the batch. Static and non-capturing,
   * so dispatching allocates nothing.
   */
  private static final IoCallback<Registration> ON_EVENTS =
      (r, readyEvents, unused, unused2) -> {
        r.onEvents(readyEvents);
        return 1;
      };

  private static final IoCallback<EpollSocket> DELIVER_FAILURE =
      (s, unused, unused2, unused3) -> {
        s.deliverFailure();
        return 1;
      };

  /** Events dropped because their registration had closed: for tests. */
  long staleEvents() {
    return staleEvents;
  }

  /** Signals the eventfd. Any thread; after {@link #close} it does nothing. */
  @Override
  public void wakeup() {
    wakeup.signal();
  }

  // ------------------------------------------------------------------ registrations

  /**
   * Brings epoll in line with {@code r.interest()}: {@code ADD}, {@code MOD} or {@code DEL}, or
   * nothing if it did not change. Returns {@code 0} or {@code -errno}.
   */
  int update(Registration r) {
    int want = r.interest();
    int have = r.registered;
    if (want == have) {
      return 0;
    }
    int op =
        have == 0 ? Epoll.EPOLL_CTL_ADD : want == 0 ? Epoll.EPOLL_CTL_DEL : Epoll.EPOLL_CTL_MOD;
    Epoll.set(ctlEvent, want, token(r.slot));
    int result = Epoll.ctl(epfd, op, r.fd, ctlEvent, errno);
    if (result == -Errno.ENOENT && op == Epoll.EPOLL_CTL_MOD) {
      // A watched descriptor was closed behind our back (which removed it from epoll) and its
      // number reused: register the new file.
      result = Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, r.fd, ctlEvent, errno);
    } else if (op == Epoll.EPOLL_CTL_DEL && (result == -Errno.ENOENT || result == -Errno.EBADF)) {
      result = 0; // already gone with its descriptor
    }
    if (result == 0) {
      r.registered = want;
    }
    return result;
  }

  /** The token of {@code slot}'s current occupant: {@code [generation:32 | slot:32]}. */
  private long token(int slot) {
    return ((long) table.generation(slot, 0) << 32) | slot;
  }

  private void register(Registration r) {
    r.slot = table.add(r);
  }

  /** Leaves epoll and frees the slot, so events already fetched for it are dropped. */
  void release(Registration r) {
    if (r.registered != 0) {
      Epoll.set(ctlEvent, 0, 0L);
      Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, r.fd, ctlEvent, errno); // fails only if already gone
      r.registered = 0;
    }
    table.remove(r.slot);
  }

  /** Queues {@code s}'s pending failure for the next {@link #poll}. */
  void deferFailure(EpollSocket s) {
    failures.add(s);
  }

  SocketIo io() {
    return io;
  }

  SocketCalls calls() {
    return calls;
  }

  void reportError(String message, Throwable exception) {
    context.reportError(message, exception);
  }

  // ------------------------------------------------------------------ sockets

  @Override
  public SocketHandle openSocket(SocketKind kind) throws IOException {
    ensureOpen();
    EpollSocket s = new EpollSocket(this, PosixSocket.open(calls, kind));
    register(s);
    return s;
  }

  @Override
  public SocketHandle adoptSocket(int fd) throws IOException {
    ensureOpen();
    ForeignSocket foreign = ForeignSocket.prepare(fd, errno);
    EpollSocket s = new EpollSocket(this, PosixSocket.adopted(calls, fd, foreign));
    register(s);
    return s;
  }

  /** Wraps a descriptor {@code accept4} returned, with the peer address it returned. */
  EpollSocket adopt(int fd, int family, SocketAddress remote) {
    EpollSocket s = new EpollSocket(this, PosixSocket.accepted(calls, fd, family, remote));
    register(s);
    return s;
  }

  @Override
  public SendFile openFileForSending(Path file) throws IOException {
    ensureOpen();
    return calls.openFile(file);
  }

  /** Sockets and watched descriptors the backend holds: for tests. */
  int registrations() {
    return table.size();
  }

  // ------------------------------------------------------------------ raw descriptors

  @Override
  public void watchFd(int fd, int interest, FdHandler handler) {
    ensureOpen();
    WatchedFd.check(fd, interest, handler);
    FdWatch watch = watches.get(fd);
    if (interest == 0) {
      if (watch != null) {
        watches.remove(fd);
        release(watch);
      }
      return;
    }
    boolean added = watch == null;
    if (added) {
      watch = new FdWatch(fd);
      register(watch);
      watches.put(fd, watch);
    }
    int previous = watch.watched.interest();
    FdHandler previousHandler = watch.watched.handler();
    watch.watched.set(interest, handler);
    int r = update(watch);
    if (r < 0) {
      if (added) {
        watches.remove(fd);
        release(watch);
      } else {
        watch.watched.set(previous, previousHandler);
      }
      // EBADF: not open; EPERM: a regular file or directory, which epoll cannot watch;
      // EEXIST: a socket of this loop, watched already.
      String reason = Errno.exception("epoll_ctl", -r).getMessage();
      throw new IllegalArgumentException("cannot watch file descriptor " + fd + ": " + reason);
    }
  }

  // ------------------------------------------------------------------ closing


  // ------------------------------------------------------------------ datagrams

  /** The datagram sockets, made with the first one: the posix core serves them over {@link #watchFd}. */
  private DatagramSockets datagrams;

  @Override
  public DatagramHandle openDatagramSocket(StandardProtocolFamily family) throws IOException {
    ensureOpen();
    if (datagrams == null) {
      datagrams = new DatagramSockets(this, arena, errno);
    }
    return datagrams.open(family);
  }

  /** Closes every socket still open (reporting nothing to their handlers), then epoll itself. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Registration r : table.snapshot()) {
      r.closeWithBackend();
    }
    if (datagrams != null) {
      datagrams.closeAll();
    }
    watches.clear();
    failures.clear();
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

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("epoll backend is closed");
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
