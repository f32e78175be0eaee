package zloop.posix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.lang.foreign.Arena;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.DatagramHandle;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.spi.WatchedFd;

/**
 * What a readiness backend (epoll, kqueue) is besides its poller: the sockets ({@link
 * ReadinessSocket}) and user descriptors it watches, each in a slot of a {@link GenerationTable},
 * the failures it reports from the next poll, and the memory its reads and writes share. A subclass
 * is the poller: it waits, keeps the kernel's interest in line with each registration's ({@link
 * #updateInterest}), and hands each event to {@link #dispatch} as {@code poll(2)} bits.
 *
 * <p>Tokens: a poller stores {@link #token(ReadinessRegistration)} with each registration, {@code
 * [generation:32 | slot:32]}, and finds the registration again with {@link #registration(long)},
 * which answers {@code null} for one closed earlier in the same batch (its slot perhaps already
 * reused). A token is never {@code -1} (that would need slot {@code 0xFFFFFFFF}; slots are
 * non-negative {@code int}s), so a poller may use {@code -1} for its wake-up.
 *
 * <p>Memory: the backend is created on one thread and polled on the loop thread, so its segments
 * live in a shared arena, allocated once when it opens and freed in {@link #close}. Dispatch
 * allocates nothing per event.
 */
public abstract class ReadinessBackend implements PosixProcessBackend {

  /** The token a poller may use for its own wake-up: never a registration's. */
  public static final long WAKEUP_TOKEN = -1L;

  /** The loop this backend serves. */
  protected final LoopContext context;

  /** The backend's memory, freed by {@link #close} after {@link #closePoller}. */
  protected final Arena arena;

  /** The loop thread's errno capture. */
  protected final ErrnoCapture errno;

  private final ReadinessIo io;
  private final SocketCalls calls;
  private final GenerationTable<ReadinessRegistration> table =
      new GenerationTable<>(64, 1, Integer.MAX_VALUE);
  private final Map<Integer, WatchedFdRegistration> watches = new HashMap<>();
  private final ArrayDeque<ReadinessSocket> failures = new ArrayDeque<>();
  private long staleEvents;
  private boolean closed;

  /**
   * The shared part of a readiness backend.
   *
   * @param context the loop
   * @param arena a shared arena the backend owns from now on
   * @param errno the loop thread's errno capture, in {@code arena}
   */
  protected ReadinessBackend(LoopContext context, Arena arena, ErrnoCapture errno) {
    this.context = context;
    this.arena = arena;
    this.errno = errno;
    this.io = new ReadinessIo(arena, errno);
    this.calls = new SocketCalls(arena, errno);
  }

  // ------------------------------------------------------------------ the poller's part

  /**
   * The backend's name, for messages ({@code "epoll"}).
   *
   * @return the name
   */
  protected abstract String name();

  /**
   * The call that changes the poller's interest, for messages ({@code "epoll_ctl"}).
   *
   * @return the call's name
   */
  protected abstract String controlCall();

  /**
   * Brings the poller in line with {@code r.interest()} (or queues the change for the next wait),
   * recording what it holds with {@link ReadinessRegistration#registered(int)}; nothing if that did
   * not change.
   *
   * @param r the registration
   * @return {@code 0} or {@code -errno}
   */
  protected abstract int updateInterest(ReadinessRegistration r);

  /**
   * Like {@link #updateInterest}, but applied before it returns, so a watch the kernel refuses is
   * refused to the caller. The default is {@link #updateInterest}, which applies at once.
   *
   * @param r a user descriptor's registration
   * @return {@code 0} or {@code -errno}
   */
  protected int updateInterestNow(ReadinessRegistration r) {
    return updateInterest(r);
  }

  /**
   * Removes {@code r} from the poller, before its descriptor is closed (a no-op where the
   * registration holds nothing).
   *
   * @param r the registration
   */
  protected abstract void unregister(ReadinessRegistration r);

  /**
   * Waits for events (applying whatever changes the poller batched) and keeps them for {@link
   * #handleEvent}.
   *
   * @param timeoutNanos how long to wait at most: {@code 0} not at all, negative without limit
   * @return how many events were fetched, or {@code -errno} ({@code EINTR} included)
   */
  protected abstract int await(long timeoutNanos);

  /**
   * The name of the waiting call, for messages ({@code "epoll_wait"}).
   *
   * @return the call's name
   */
  protected abstract String waitCall();

  /**
   * Handles event {@code i} of those {@link #await} fetched: finds its registration ({@link
   * #registration}) and {@link #dispatch}es to it, or handles the poller's own events.
   *
   * @param i the event's index
   * @return how many callbacks ran
   * @throws IOException if the poller's own event failed
   */
  protected abstract int handleEvent(int i) throws IOException;

  /**
   * One turn: waits (not at all while a failure waits to be reported), hands each event to its
   * registration, then reports the deferred failures.
   *
   * @param timeoutNanos how long to wait at most: {@code 0} not at all, negative without limit
   * @return how many callbacks ran
   * @throws IOException if the wait failed (other than by a signal)
   */
  @Override
  public final int poll(long timeoutNanos) throws IOException {
    ensureOpen();
    // A deferred failure is an event too: report it without waiting.
    int n = await(failures.isEmpty() ? timeoutNanos : 0);
    if (n < 0) {
      if (n != -Errno.EINTR) {
        throw Errno.exception(waitCall(), -n);
      }
      n = 0; // a signal: the engine recomputes its timeout and polls again
    }
    int dispatched = 0;
    for (int i = 0; i < n && !closed; i++) {
      dispatched += handleEvent(i);
    }
    return dispatched + deliverFailures();
  }

  /** Releases the poller's own resources: the backend is closing and every registration is gone. */
  protected abstract void closePoller();

  /**
   * The token of {@code r}'s slot: {@code [generation:32 | slot:32]}.
   *
   * @param r a registration of this backend
   * @return its token
   */
  protected final long token(ReadinessRegistration r) {
    return ((long) table.generation(r.slot, 0) << 32) | r.slot;
  }

  /**
   * The registration a token names, or {@code null} if it was released since (and counts it).
   *
   * @param token a token from {@link #token}
   * @return the registration, or {@code null}
   */
  protected final ReadinessRegistration registration(long token) {
    ReadinessRegistration r = table.get((int) token, 0, (int) (token >>> 32));
    if (r == null) {
      staleEvents++; // its registration closed earlier in this batch: nobody to tell
    }
    return r;
  }

  /**
   * Hands {@code events} to {@code r} under the loop's guard: a handler's failure is reported and
   * costs nothing else of the batch.
   *
   * @param r the registration
   * @param events {@code poll(2)} bits
   * @param socketError the socket error the poller reported with the event, or {@code 0} (see
   *     {@link ReadinessRegistration#onEvents})
   * @return how many callbacks ran
   */
  protected final int dispatch(ReadinessRegistration r, int events, int socketError) {
    return context.dispatch(ON_EVENTS, r, events, socketError, 0);
  }

  /** Reports the failures queued since the last poll (under the loop's guard). */
  private int deliverFailures() {
    int dispatched = 0;
    while (!failures.isEmpty() && !closed) {
      dispatched += context.dispatch(DELIVER_FAILURE, failures.poll(), 0, 0, 0);
    }
    return dispatched;
  }

  // Static and non-capturing, so dispatching allocates nothing.
  private static final IoCallback<ReadinessRegistration> ON_EVENTS =
      (r, readyEvents, socketError, unused) -> {
        r.onEvents(readyEvents, socketError);
        return 1;
      };

  private static final IoCallback<ReadinessSocket> DELIVER_FAILURE =
      (s, unused, unused2, unused3) -> {
        s.deliverFailure();
        return 1;
      };

  /**
   * Events dropped because their registration had closed: for tests.
   *
   * @return the count
   */
  public final long staleEvents() {
    return staleEvents;
  }

  /**
   * Sockets and watched descriptors the backend holds: for tests.
   *
   * @return the count
   */
  public final int registrations() {
    return table.size();
  }

  // ------------------------------------------------------------------ for the sockets

  /** Brings the poller in line with a socket's interest: {@code 0} or {@code -errno}. */
  final int update(ReadinessRegistration r) {
    return updateInterest(r);
  }

  /** Leaves the poller and frees the slot, so events already fetched for it are dropped. */
  final void release(ReadinessRegistration r) {
    unregister(r);
    table.remove(r.slot);
  }

  /** Queues {@code s}'s pending failure for the next poll. */
  final void deferFailure(ReadinessSocket s) {
    failures.add(s);
  }

  final ReadinessIo io() {
    return io;
  }

  final SocketCalls calls() {
    return calls;
  }

  final String control() {
    return controlCall();
  }

  final void reportError(String message, Throwable exception) {
    context.reportError(message, exception);
  }

  private void register(ReadinessRegistration r) {
    r.slot = table.add(r);
  }

  /**
   * Adds a registration the poller keeps itself (not a descriptor: kqueue's watch of a child's
   * exit), so that its {@link #token} finds it from now on.
   *
   * @param r the registration
   */
  protected final void addOwn(ReadinessRegistration r) {
    register(r);
  }

  /**
   * Removes a registration added with {@link #addOwn}: events already fetched for it are dropped.
   * Nothing is asked of the poller ({@link #unregister} is not called).
   *
   * @param r the registration
   */
  protected final void removeOwn(ReadinessRegistration r) {
    table.remove(r.slot);
  }

  // ------------------------------------------------------------------ sockets

  @Override
  public final SocketHandle openSocket(SocketKind kind) throws IOException {
    ensureOpen();
    ReadinessSocket s = new ReadinessSocket(this, PosixSocket.open(calls, kind));
    register(s);
    return s;
  }

  @Override
  public final SocketHandle adoptSocket(int fd) throws IOException {
    ensureOpen();
    ForeignSocket foreign = ForeignSocket.prepare(fd, errno);
    ReadinessSocket s = new ReadinessSocket(this, PosixSocket.adopted(calls, fd, foreign));
    register(s);
    return s;
  }

  /** Wraps a descriptor {@code accept} returned, with the peer address it returned. */
  final ReadinessSocket adopt(int fd, int family, SocketAddress remote) {
    ReadinessSocket s = new ReadinessSocket(this, PosixSocket.accepted(calls, fd, family, remote));
    register(s);
    return s;
  }

  @Override
  public final SendFile openFileForSending(Path file) throws IOException {
    ensureOpen();
    return calls.openFile(file);
  }

  // ------------------------------------------------------------------ raw descriptors

  @Override
  public final void watchFd(int fd, int interest, FdHandler handler) {
    ensureOpen();
    WatchedFd.check(fd, interest, handler);
    WatchedFdRegistration watch = watches.get(fd);
    if (interest == 0) {
      if (watch != null) {
        watches.remove(fd);
        release(watch);
      }
      return;
    }
    boolean added = watch == null;
    if (added) {
      watch = new WatchedFdRegistration(fd);
      register(watch);
      watches.put(fd, watch);
    }
    int previous = watch.watched.interest();
    FdHandler previousHandler = watch.watched.handler();
    watch.watched.set(interest, handler);
    int r = updateInterestNow(watch);
    if (r < 0) {
      if (added) {
        watches.remove(fd);
        release(watch);
      } else {
        watch.watched.set(previous, previousHandler);
      }
      // EBADF: not open; EPERM: a regular file or directory, which epoll cannot watch;
      // EEXIST: a socket of this loop, watched already.
      String reason = Errno.exception(controlCall(), -r).getMessage();
      throw new IllegalArgumentException("cannot watch file descriptor " + fd + ": " + reason);
    }
  }

  // ------------------------------------------------------------------ closing

  /** Closes every socket still open (reporting nothing to their handlers), then the poller. */
  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (processes != null) {
      processes.close(); // kills and reaps children still running, closes their pipes
    }
    for (ReadinessRegistration r : table.snapshot()) {
      r.closeWithBackend();
    }
    if (datagrams != null) {
      datagrams.closeAll();
    }
    watches.clear();
    failures.clear();
    closePoller();
    arena.close();
  }

  // ---- datagrams: the posix core serves them over watchFd ----

  /** The datagram sockets, made with the first one. */
  private DatagramSockets datagrams;

  @Override
  public final DatagramHandle openDatagramSocket(StandardProtocolFamily family) throws IOException {
    ensureOpen();
    if (datagrams == null) {
      datagrams = new DatagramSockets(this, arena, errno);
    }
    return datagrams.open(family);
  }

  // ---- pipes and child processes: the shared POSIX implementation, watched by this backend ----

  private PosixProcesses processes;

  @Override
  public final PosixProcesses processes() {
    ensureOpen();
    if (processes == null) {
      processes = new PosixProcesses(this, context);
    }
    return processes;
  }

  /** Throws if the backend is closed. */
  protected final void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(name() + " backend is closed");
    }
  }
}
