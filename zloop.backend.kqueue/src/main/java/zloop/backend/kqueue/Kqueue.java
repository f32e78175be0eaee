package zloop.backend.kqueue;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import zloop.posix.Downcalls;
import zloop.posix.ErrnoCapture;
import zloop.posix.Os;

/**
 * kqueue(2) through FFM: {@code kqueue}, {@code kevent}, the constants every kqueue shares and the
 * host's {@code struct kevent} ({@link DarwinKevent}, {@link FreeBsdKevent}, {@link
 * LibkqueueKevent}). No policy: calls return {@code >= 0} or {@code -errno}.
 *
 * <p>The constants below are the same in Apple xnu {@code bsd/sys/event.h}, FreeBSD {@code
 * sys/sys/event.h} and libkqueue's {@code sys/event.h}; only {@code EVFILT_USER} and the struct
 * differ, and those come from the per-OS classes.
 *
 * <p>Loading this class links native functions (and on Linux loads libkqueue): check {@link
 * KqueueLibrary#unavailableReason()} and native access first.
 */
@SuppressWarnings("restricted") // binding kqueue is this class's job
final class Kqueue {

  // Filters.
  static final short EVFILT_READ = -1;
  static final short EVFILT_WRITE = -2;
  static final short EVFILT_PROC = -5;
  static final short EVFILT_TIMER = -7;
  static final short EVFILT_USER =
      switch (Os.family()) {
        case MACOS -> DarwinKevent.EVFILT_USER;
        case FREEBSD -> FreeBsdKevent.EVFILT_USER;
        default -> LibkqueueKevent.EVFILT_USER;
      };

  // Actions and flags.
  static final int EV_ADD = 0x0001;
  static final int EV_DELETE = 0x0002;
  static final int EV_ENABLE = 0x0004;
  static final int EV_DISABLE = 0x0008;
  static final int EV_ONESHOT = 0x0010;
  static final int EV_CLEAR = 0x0020;
  static final int EV_RECEIPT = 0x0040;
  static final int EV_ERROR = 0x4000;
  static final int EV_EOF = 0x8000;

  // EVFILT_USER fflags.
  static final int NOTE_TRIGGER = 0x01000000;

  // EVFILT_PROC fflags: xnu bsd/sys/event.h, FreeBSD sys/sys/event.h, libkqueue sys/event.h.
  static final int NOTE_EXIT = 0x80000000;

  static final StructLayout KEVENT =
      switch (Os.family()) {
        case MACOS -> DarwinKevent.KEVENT;
        case FREEBSD -> FreeBsdKevent.KEVENT;
        default -> LibkqueueKevent.KEVENT;
      };

  static final long KEVENT_SIZE = KEVENT.byteSize();
  private static final VarHandle IDENT = KEVENT.varHandle(groupElement("ident"));
  private static final VarHandle FILTER = KEVENT.varHandle(groupElement("filter"));
  private static final VarHandle FLAGS = KEVENT.varHandle(groupElement("flags"));
  private static final VarHandle FFLAGS = KEVENT.varHandle(groupElement("fflags"));
  private static final VarHandle DATA = KEVENT.varHandle(groupElement("data"));
  private static final VarHandle UDATA = KEVENT.varHandle(groupElement("udata"));

  /** {@code struct timespec}: {@code time_t tv_sec; long tv_nsec;} on every 64-bit host. */
  static final StructLayout TIMESPEC =
      MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

  private static final SymbolLookup LIBRARY = KqueueLibrary.lookup();
  private static final Linker LINKER = Linker.nativeLinker();

  // int kqueue(void);
  private static final MethodHandle KQUEUE =
      LINKER.downcallHandle(
          symbol("kqueue"), FunctionDescriptor.of(JAVA_INT), Downcalls.CAPTURE_ERRNO);

  // int kevent(int kq, const struct kevent *changelist, int nchanges,
  //            struct kevent *eventlist, int nevents, const struct timespec *timeout);
  // It blocks, so it is never linked critical.
  private static final FunctionDescriptor KEVENT_DESCRIPTOR =
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
  private static final MethodHandle KEVENT_CALL =
      LINKER.downcallHandle(symbol("kevent"), KEVENT_DESCRIPTOR, Downcalls.CAPTURE_ERRNO);

  /** The wake-up's kevent: from any thread, so it captures no errno (nobody would read it). */
  private static final MethodHandle KEVENT_NO_ERRNO =
      LINKER.downcallHandle(symbol("kevent"), KEVENT_DESCRIPTOR);

  /**
   * libkqueue's {@code void libkqueue_drain_pending_close(void)}, or {@code null} (kernels have no
   * such thing). libkqueue learns that a kqueue was closed on a thread of its own and frees it
   * later; this waits until every closed kqueue is freed, so closing a backend releases its
   * descriptors before it returns.
   */
  private static final MethodHandle DRAIN_PENDING_CLOSE =
      LIBRARY
          .find("libkqueue_drain_pending_close")
          .map(address -> LINKER.downcallHandle(address, FunctionDescriptor.ofVoid()))
          .orElse(null);

  private Kqueue() {}

  private static MemorySegment symbol(String name) {
    return LIBRARY
        .find(name)
        .orElseThrow(() -> new AssertionError("the kqueue library has no symbol " + name));
  }

  /** {@code kqueue()}: the new kqueue descriptor, or {@code -errno}. */
  static int create(ErrnoCapture errno) {
    try {
      return result((int) KQUEUE.invokeExact(errno.segment()), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * {@code kevent}: applies {@code nChanges} changes, then waits up to {@code timeout} (NULL:
   * forever) for at most {@code nEvents} events. How many entries were stored in {@code events}
   * (events, and changes that failed, flagged {@link #EV_ERROR}), or {@code -errno}.
   */
  static int kevent(
      int kq,
      MemorySegment changes,
      int nChanges,
      MemorySegment events,
      int nEvents,
      MemorySegment timeout,
      ErrnoCapture errno) {
    try {
      return result(
          (int)
              KEVENT_CALL.invokeExact(
                  errno.segment(), kq, changes, nChanges, events, nEvents, timeout),
          errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** Applies {@code change} (one entry) and returns at once; failures are ignored. Any thread. */
  static void applyIgnoringErrors(int kq, MemorySegment change) {
    try {
      int unused =
          (int) KEVENT_NO_ERRNO.invokeExact(kq, change, 1, MemorySegment.NULL, 0, MemorySegment.NULL);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** Waits until libkqueue has freed every kqueue closed so far; nothing on a kernel kqueue. */
  static void drainPendingClose() {
    if (DRAIN_PENDING_CLOSE == null) {
      return;
    }
    try {
      DRAIN_PENDING_CLOSE.invokeExact();
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  private static int result(int value, ErrnoCapture errno) {
    return value < 0 ? -errno.get() : value;
  }

  /** Fills entry {@code i} of a kevent array ({@code ext}, where there is one, stays zero). */
  static void set(
      MemorySegment array, int i, long ident, short filter, int flags, int fflags, long udata) {
    long at = i * KEVENT_SIZE;
    IDENT.set(array, at, ident);
    FILTER.set(array, at, filter);
    FLAGS.set(array, at, (short) flags);
    FFLAGS.set(array, at, fflags);
    DATA.set(array, at, 0L);
    UDATA.set(array, at, udata);
  }

  /** Copies entry {@code from} of {@code array} over entry {@code to}. */
  static void move(MemorySegment array, int from, int to) {
    MemorySegment.copy(array, from * KEVENT_SIZE, array, to * KEVENT_SIZE, KEVENT_SIZE);
  }

  static long ident(MemorySegment array, int i) {
    return (long) IDENT.get(array, i * KEVENT_SIZE);
  }

  static short filter(MemorySegment array, int i) {
    return (short) FILTER.get(array, i * KEVENT_SIZE);
  }

  /** The {@code flags}, as the unsigned 16 bits they are. */
  static int flags(MemorySegment array, int i) {
    return Short.toUnsignedInt((short) FLAGS.get(array, i * KEVENT_SIZE));
  }

  static int fflags(MemorySegment array, int i) {
    return (int) FFLAGS.get(array, i * KEVENT_SIZE);
  }

  static long data(MemorySegment array, int i) {
    return (long) DATA.get(array, i * KEVENT_SIZE);
  }

  static long udata(MemorySegment array, int i) {
    return (long) UDATA.get(array, i * KEVENT_SIZE);
  }

  /**
   * Sets {@code timespec} to a loop's nanosecond budget and returns it, or returns NULL (wait
   * forever) for a negative budget; {@code 0} is "do not block".
   */
  static MemorySegment timeout(MemorySegment timespec, long nanos) {
    if (nanos < 0) {
      return MemorySegment.NULL;
    }
    timespec.set(JAVA_LONG, 0, nanos / 1_000_000_000L);
    timespec.set(JAVA_LONG, 8, nanos % 1_000_000_000L);
    return timespec;
  }
}
