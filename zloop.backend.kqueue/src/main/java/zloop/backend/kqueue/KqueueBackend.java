package zloop.backend.kqueue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import zloop.engine.spi.Backend;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.WatchedFd;
import zloop.posix.CloseGate;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;
import zloop.posix.Libc;
import zloop.posix.PosixAbi;
import zloop.posix.ProcessExitWatch;
import zloop.posix.ReadinessBackend;
import zloop.posix.ReadinessRegistration;

/**
 * One loop's kqueue: the poller of a {@link ReadinessBackend}. Interest changes are queued in a
 * changelist and handed to the kernel by the next wait, so one {@code kevent} call per turn both
 * applies them and fetches events (a full changelist, a watch the caller must hear refused, and a
 * descriptor about to close are applied at once instead).
 *
 * <p>Each socket or watched descriptor is one {@code EVFILT_READ} and/or one {@code EVFILT_WRITE}
 * knote whose {@code udata} is the registration's token ({@link ReadinessBackend#token}, slot and
 * generation), so an event for a registration closed earlier in the batch is dropped. The knotes
 * are level-triggered (no {@code EV_CLEAR}): the shared socket policy does one {@code recv}, one
 * {@code sendmsg} or one accept batch per event and relies on the next wait reporting what is left,
 * which is what keeps one busy connection from starving the others; {@code EV_CLEAR} would need
 * every handler to drain to {@code EAGAIN}. A filter is added ({@code EV_ADD}) when the
 * registration starts wanting it and deleted when it stops, so a failed or idle socket costs the
 * kernel nothing.
 *
 * <p>Events become {@code poll(2)} bits for the shared policy: {@code EVFILT_READ} is {@code
 * POLLIN}, {@code EVFILT_WRITE} is {@code POLLOUT}; {@code EV_EOF} with a socket error in {@code
 * fflags} adds {@code POLLERR}, and {@code EV_EOF} on the write side adds {@code POLLHUP}. A
 * change the kernel refused comes back as an {@code EV_ERROR} entry (errno in {@code data}) and
 * fails that registration from this poll.
 *
 * <p>The cross-thread wake-up is an {@code EVFILT_USER} knote ({@code EV_CLEAR}, so it resets when
 * reported) that {@link #wakeup} triggers with {@code NOTE_TRIGGER}; libkqueue implements it too.
 */
final class KqueueBackend extends ReadinessBackend implements ProcessExitWatch {

  /** How many events one {@code kevent} returns at most; more simply wait for the next. */
  static final int DEFAULT_MAX_EVENTS = 1024;

  /** Changes queued before they are applied without waiting for the next turn. */
  static final int CHANGE_CAPACITY = 256;

  /** Translates the errnos kevent reports in {@code data} and {@code fflags} into zloop's kinds. */
  private static final PosixAbi ABI = PosixAbi.host();

  /** The {@code ident} of the wake-up's {@code EVFILT_USER} knote. */
  private static final long WAKEUP_IDENT = 0;

  private final int kq;
  private final MemorySegment events;
  private final int maxEvents;
  private final MemorySegment changes;
  private int changeCount;
  private final MemorySegment receipts;
  private final MemorySegment timespec;
  private final MemorySegment trigger;
  private final CloseGate gate = new CloseGate();
  private final Map<Integer, ExitRegistration> exits = new HashMap<>();

  private KqueueBackend(
      LoopContext context,
      Arena arena,
      ErrnoCapture errno,
      int kq,
      MemorySegment trigger,
      int maxEvents) {
    super(context, arena, errno);
    this.kq = kq;
    this.maxEvents = Math.max(maxEvents, CHANGE_CAPACITY); // room for every change's error
    this.events = arena.allocate(Kqueue.KEVENT, this.maxEvents);
    this.changes = arena.allocate(Kqueue.KEVENT, CHANGE_CAPACITY);
    this.receipts = arena.allocate(Kqueue.KEVENT, CHANGE_CAPACITY);
    this.timespec = arena.allocate(Kqueue.TIMESPEC);
    this.trigger = trigger;
  }

  /** Creates the kqueue and its wake-up knote; on failure, releases what was created. */
  static KqueueBackend open(LoopContext context, int maxEvents) throws IOException {
    Arena arena = Arena.ofShared();
    ErrnoCapture errno = new ErrnoCapture(arena);
    int kq = -1;
    try {
      kq = (int) Errno.check("kqueue", Kqueue.create(errno));
      MemorySegment add = arena.allocate(Kqueue.KEVENT);
      Kqueue.set(
          add,
          0,
          WAKEUP_IDENT,
          Kqueue.EVFILT_USER,
          Kqueue.EV_ADD | Kqueue.EV_CLEAR,
          0,
          WAKEUP_TOKEN);
      Errno.check("kevent(EVFILT_USER)", Kqueue.kevent(kq, add, 1, add, 0, nullTimeout(), errno));
      // Read-only from here on, so every thread's wakeup() may pass the same entry.
      MemorySegment trigger = arena.allocate(Kqueue.KEVENT);
      Kqueue.set(
          trigger, 0, WAKEUP_IDENT, Kqueue.EVFILT_USER, 0, Kqueue.NOTE_TRIGGER, WAKEUP_TOKEN);
      return new KqueueBackend(context, arena, errno, kq, trigger, maxEvents);
    } catch (Throwable t) {
      if (kq >= 0) {
        Libc.close(kq, errno);
        Kqueue.drainPendingClose();
      }
      arena.close();
      throw t;
    }
  }

  private static MemorySegment nullTimeout() {
    return MemorySegment.NULL;
  }

  @Override
  protected String name() {
    return "kqueue";
  }

  @Override
  protected String controlCall() {
    return "kevent";
  }

  // ------------------------------------------------------------------ polling

  /** The one {@code kevent} of a turn: the queued changes in, the events out. */
  @Override
  protected int await(long timeoutNanos) {
    int pending = changeCount;
    changeCount = 0; // handed to the kernel now, applied before it waits
    return Kqueue.kevent(
        kq, changes, pending, events, maxEvents, Kqueue.timeout(timespec, timeoutNanos), errno);
  }

  @Override
  protected String waitCall() {
    return "kevent";
  }

  @Override
  protected int handleEvent(int i) {
    long token = Kqueue.udata(events, i);
    if (token == WAKEUP_TOKEN) {
      return 1; // EV_CLEAR: reporting it reset it
    }
    int flags = Kqueue.flags(events, i);
    if ((flags & Kqueue.EV_ERROR) != 0) {
      changeFailed(events, i);
      return 0;
    }
    ReadinessRegistration r = registration(token);
    if (r == null) {
      return 0;
    }
    if (r instanceof ExitRegistration) {
      return dispatch(r, WatchedFd.POLLIN, 0); // NOTE_EXIT, or the timer standing in for it
    }
    int fflags = Kqueue.fflags(events, i);
    // fflags is this OS's errno: the handlers speak zloop's kinds (Errno), as ErrnoCapture does.
    int socketError = (flags & Kqueue.EV_EOF) != 0 ? ABI.errnoKind(fflags) : 0;
    return dispatch(r, pollEvents(Kqueue.filter(events, i), flags, fflags), socketError);
  }

  /** A kevent entry as {@code poll(2)} bits (see the class comment). */
  static int pollEvents(short filter, int flags, int fflags) {
    int events = filter == Kqueue.EVFILT_READ ? WatchedFd.POLLIN : WatchedFd.POLLOUT;
    if ((flags & Kqueue.EV_EOF) != 0) {
      if (fflags != 0) {
        events |= WatchedFd.POLLERR; // fflags holds the socket's error
      } else if (filter == Kqueue.EVFILT_WRITE) {
        events |= WatchedFd.POLLHUP;
      }
    }
    return events;
  }

  /**
   * An {@code EV_ERROR} entry for entry {@code i}: a refused change (or a receipt, {@code data}
   * 0). Deleting a knote that is already gone is no failure; anything else fails its registration.
   */
  private int changeFailed(MemorySegment array, int i) {
    int error = ABI.errnoKind((int) Kqueue.data(array, i));
    if (error == 0 || isGone(Kqueue.flags(array, i), error)) {
      return 0;
    }
    ReadinessRegistration r = registration(Kqueue.udata(array, i));
    if (r != null) {
      r.changeFailed("kevent", error);
    }
    return error;
  }

  private static boolean isGone(int flags, int error) {
    return (flags & Kqueue.EV_DELETE) != 0 && (error == Errno.ENOENT || error == Errno.EBADF);
  }

  /** Triggers the {@code EVFILT_USER} knote. Any thread; after {@link #close} it does nothing. */
  @Override
  public void wakeup() {
    if (gate.enter()) {
      Kqueue.applyIgnoringErrors(kq, trigger); // fails only if closing: nobody to wake then
    }
    gate.exit();
  }

  // ------------------------------------------------------------------ registrations

  /** Queues {@code EV_ADD} or {@code EV_DELETE} for each filter whose interest changed. */
  @Override
  protected int updateInterest(ReadinessRegistration r) {
    int want = r.interest();
    int have = r.registered();
    if (want == have) {
      return 0;
    }
    long token = token(r);
    queueIfChanged(r, Kqueue.EVFILT_READ, WatchedFd.POLLIN, want, have, token);
    queueIfChanged(r, Kqueue.EVFILT_WRITE, WatchedFd.POLLOUT, want, have, token);
    r.registered(want);
    return 0;
  }

  private void queueIfChanged(
      ReadinessRegistration r, short filter, int bit, int want, int have, long token) {
    if ((want & bit) == (have & bit)) {
      return;
    }
    if (changeCount == CHANGE_CAPACITY) {
      applyChanges(null);
    }
    int flags = (want & bit) != 0 ? Kqueue.EV_ADD : Kqueue.EV_DELETE;
    Kqueue.set(changes, changeCount++, r.descriptor(), filter, flags, 0, token);
  }

  /** Applies the watch's change now, so a descriptor kqueue refuses is refused to the caller. */
  @Override
  protected int updateInterestNow(ReadinessRegistration r) {
    int result = updateInterest(r);
    if (result == 0) {
      result = applyChanges(r);
    }
    if (result < 0) {
      deleteNow(r); // whichever filter did get added
    }
    return result;
  }

  /**
   * Applies the queued changes without waiting ({@code EV_RECEIPT}: one result per change, no
   * events fetched). A refused change fails its registration, except {@code own}'s, which is
   * returned.
   *
   * @return {@code 0}, or {@code -errno} of {@code own}'s first refused change
   */
  private int applyChanges(ReadinessRegistration own) {
    int count = changeCount;
    changeCount = 0;
    for (int i = 0; i < count; i++) {
      Kqueue.set(
          changes,
          i,
          Kqueue.ident(changes, i),
          Kqueue.filter(changes, i),
          Kqueue.flags(changes, i) | Kqueue.EV_RECEIPT,
          0,
          Kqueue.udata(changes, i));
    }
    int n = Kqueue.kevent(kq, changes, count, receipts, count, Kqueue.timeout(timespec, 0), errno);
    if (n < 0) {
      return n; // EBADF, EINTR, ENOMEM for the call itself: nothing can be said per change
    }
    int ownResult = 0;
    for (int i = 0; i < n; i++) {
      int error = ABI.errnoKind((int) Kqueue.data(receipts, i));
      if (error == 0 || isGone(Kqueue.flags(receipts, i), error)) {
        continue;
      }
      if (own != null && Kqueue.udata(receipts, i) == token(own)) {
        ownResult = ownResult == 0 ? -error : ownResult;
      } else {
        changeFailed(receipts, i);
      }
    }
    return ownResult;
  }

  /**
   * Drops {@code r}'s queued changes and deletes its knotes at once: its descriptor is about to be
   * closed or given back. A kernel kqueue would forget them at close, but libkqueue cannot see a
   * close (its BUGS.md), and a queued change must never reach a reused descriptor number.
   */
  @Override
  protected void unregister(ReadinessRegistration r) {
    if (r instanceof ExitRegistration) {
      return; // a pid, not a descriptor: watchExit deletes its knote
    }
    boolean dropped = dropQueued(r.descriptor());
    if (r.registered() != 0 || dropped) {
      deleteNow(r);
    }
    r.registered(0);
  }

  private boolean dropQueued(int fd) {
    int kept = 0;
    for (int i = 0; i < changeCount; i++) {
      if (Kqueue.ident(changes, i) != fd) {
        if (kept != i) {
          Kqueue.move(changes, i, kept);
        }
        kept++;
      }
    }
    boolean dropped = kept != changeCount;
    changeCount = kept;
    return dropped;
  }

  /** Deletes both of {@code r}'s filters now, ignoring the one(s) it does not have. */
  private void deleteNow(ReadinessRegistration r) {
    int flags = Kqueue.EV_DELETE | Kqueue.EV_RECEIPT;
    Kqueue.set(receipts, 0, r.descriptor(), Kqueue.EVFILT_READ, flags, 0, 0L);
    Kqueue.set(receipts, 1, r.descriptor(), Kqueue.EVFILT_WRITE, flags, 0, 0L);
    Kqueue.kevent(kq, receipts, 2, receipts, 2, Kqueue.timeout(timespec, 0), errno);
    r.registered(0);
  }

  // ------------------------------------------------------------------ children

  /**
   * Watches a child's exit with {@code EVFILT_PROC}/{@code NOTE_EXIT} ({@code EV_ONESHOT}: it fires
   * once), applied at once so that a refusal is the caller's. A child that is already gone from
   * the kernel's view ({@code ESRCH}: one that exited and is a zombie, where a kernel refuses to
   * attach to it) is reported by a one-shot zero-length {@code EVFILT_TIMER} under the same token
   * instead, so the handler still runs from a poll and reaps it. On Linux, libkqueue implements
   * {@code EVFILT_PROC} with a pidfd and reads the status with {@code waitid(WNOWAIT)}, leaving the
   * reaping to {@code waitpid}.
   */
  @Override
  public void watchExit(int pid, Backend.FdHandler handler) {
    ensureOpen();
    ExitRegistration e = exits.get(pid);
    if (handler == null) {
      if (e != null) {
        exits.remove(pid);
        removeOwn(e);
        // Gone already if it fired (EV_ONESHOT): ENOENT then, which is no failure.
        applyNow(pid, e.byTimer ? Kqueue.EVFILT_TIMER : Kqueue.EVFILT_PROC, Kqueue.EV_DELETE, 0, 0L);
      }
      return;
    }
    if (e != null) {
      e.handler = handler;
      return;
    }
    e = new ExitRegistration(pid, handler);
    addOwn(e);
    int error =
        applyNow(pid, Kqueue.EVFILT_PROC, Kqueue.EV_ADD | Kqueue.EV_ONESHOT, Kqueue.NOTE_EXIT, token(e));
    if (error == Errno.ESRCH) {
      e.byTimer = true;
      error = applyNow(pid, Kqueue.EVFILT_TIMER, Kqueue.EV_ADD | Kqueue.EV_ONESHOT, 0, token(e));
    }
    if (error != 0) {
      removeOwn(e);
      throw new UncheckedIOException(Errno.exception("kevent(EVFILT_PROC, " + pid + ")", error));
    }
    exits.put(pid, e);
  }

  /** Children whose exit is watched now: for tests. */
  int exitWatches() {
    return exits.size();
  }

  /** Applies one change now ({@code EV_RECEIPT}): {@code 0}, or the errno kind it failed with. */
  private int applyNow(long ident, short filter, int flags, int fflags, long udata) {
    Kqueue.set(receipts, 0, ident, filter, flags | Kqueue.EV_RECEIPT, fflags, udata);
    int n = Kqueue.kevent(kq, receipts, 1, receipts, 1, Kqueue.timeout(timespec, 0), errno);
    if (n < 0) {
      return -n;
    }
    int error = n == 0 ? 0 : ABI.errnoKind((int) Kqueue.data(receipts, 0));
    return (flags & Kqueue.EV_DELETE) != 0 && error == Errno.ENOENT ? 0 : error;
  }

  // ------------------------------------------------------------------ closing

  @Override
  protected void closePoller() {
    gate.close(); // no wakeup() is inside kevent any more, and none will start
    changeCount = 0;
    int result = Libc.close(kq, errno);
    if (result < 0) {
      context.reportError(
          "closing the kqueue backend's kqueue failed", Errno.exception("close", -result));
    }
    Kqueue.drainPendingClose();
  }
}
