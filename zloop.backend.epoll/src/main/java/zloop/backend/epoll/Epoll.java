package zloop.backend.epoll;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import zloop.posix.Downcalls;
import zloop.posix.ErrnoCapture;
import zloop.posix.Os;

/**
 * epoll(7) through FFM: {@code epoll_create1}, {@code epoll_ctl}, {@code epoll_wait}, the constants
 * and {@code struct epoll_event}. No policy: calls return {@code >= 0} or {@code -errno} ({@code
 * EINTR} included, so the caller can recompute its timeout).
 *
 * <p>Loading this class links native functions: check native access first.
 */
@SuppressWarnings("restricted") // binding epoll is this class's job
final class Epoll {

  // epoll_create1 flags.
  static final int EPOLL_CLOEXEC = 02000000;

  // epoll_ctl operations.
  static final int EPOLL_CTL_ADD = 1;
  static final int EPOLL_CTL_DEL = 2;
  static final int EPOLL_CTL_MOD = 3;

  // Event bits: what to wait for, what happened, and how to report it.
  static final int EPOLLIN = 0x001;
  static final int EPOLLPRI = 0x002;
  static final int EPOLLOUT = 0x004;
  static final int EPOLLERR = 0x008;
  static final int EPOLLHUP = 0x010;
  static final int EPOLLRDHUP = 0x2000;
  static final int EPOLLEXCLUSIVE = 1 << 28;
  static final int EPOLLONESHOT = 1 << 30;
  static final int EPOLLET = 1 << 31;

  /*
   * <sys/epoll.h>:
   *
   *   typedef union epoll_data { void *ptr; int fd; uint32_t u32; uint64_t u64; } epoll_data_t;
   *
   *   struct epoll_event {
   *     uint32_t events;
   *     epoll_data_t data;
   *   } __EPOLL_PACKED;
   *
   * __EPOLL_PACKED is __attribute__((packed)) on x86-64 only: 12 bytes with data at offset 4
   * there, 16 bytes with data at offset 8 elsewhere (aarch64). zloop reads data as the u64.
   */
  static final StructLayout EVENT =
      Os.arch() == Os.Arch.X86_64
          ? MemoryLayout.structLayout(
              JAVA_INT.withName("events"), JAVA_LONG_UNALIGNED.withName("data"))
          : MemoryLayout.structLayout(
              JAVA_INT.withName("events"),
              MemoryLayout.paddingLayout(4),
              JAVA_LONG.withName("data"));

  static final long EVENT_SIZE = EVENT.byteSize();
  private static final VarHandle EVENTS = EVENT.varHandle(groupElement("events"));
  private static final VarHandle DATA = EVENT.varHandle(groupElement("data"));

  private static final Linker LINKER = Linker.nativeLinker();

  // int epoll_create1(int flags);
  private static final MethodHandle CREATE1 =
      LINKER.downcallHandle(
          Downcalls.symbol("epoll_create1"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT),
          Downcalls.CAPTURE_ERRNO);

  // int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
  private static final MethodHandle CTL =
      LINKER.downcallHandle(
          Downcalls.symbol("epoll_ctl"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
          Downcalls.CAPTURE_ERRNO);

  // int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
  // It blocks, so it is never linked critical.
  private static final MethodHandle WAIT =
      LINKER.downcallHandle(
          Downcalls.symbol("epoll_wait"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Downcalls.CAPTURE_ERRNO);

  private Epoll() {}

  /** {@code epoll_create1(EPOLL_CLOEXEC)}: the new epoll fd, or {@code -errno}. */
  static int create(ErrnoCapture errno) {
    try {
      return result((int) CREATE1.invokeExact(errno.segment(), EPOLL_CLOEXEC), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code epoll_ctl}: {@code 0} or {@code -errno}. {@code event} may be NULL for DEL. */
  static int ctl(int epfd, int op, int fd, MemorySegment event, ErrnoCapture errno) {
    try {
      return result((int) CTL.invokeExact(errno.segment(), epfd, op, fd, event), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * {@code epoll_wait}: how many events were stored in {@code events}, or {@code -errno}. Not
   * retried on {@code EINTR}: the caller decides whether its deadline still allows waiting.
   */
  static int wait(
      int epfd, MemorySegment events, int maxEvents, int timeoutMillis, ErrnoCapture errno) {
    try {
      return result(
          (int) WAIT.invokeExact(errno.segment(), epfd, events, maxEvents, timeoutMillis), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  private static int result(int value, ErrnoCapture errno) {
    return value < 0 ? -errno.get() : value;
  }

  /**
   * epoll_wait's timeout for a loop's nanosecond budget: rounded <em>up</em> to whole milliseconds
   * so the loop never wakes before its deadline and spins; {@code 0} stays {@code 0} (do not
   * block), a negative budget is {@code -1} (no timeout).
   */
  static int timeoutMillis(long nanos) {
    if (nanos <= 0) {
      return nanos == 0 ? 0 : -1;
    }
    return (int) Math.min(Math.ceilDiv(nanos, 1_000_000L), Integer.MAX_VALUE);
  }

  /** The {@code events} bits of entry {@code i} of an event array. */
  static int events(MemorySegment array, int i) {
    return (int) EVENTS.get(array, i * EVENT_SIZE);
  }

  /** The {@code data.u64} of entry {@code i} of an event array. */
  static long data(MemorySegment array, int i) {
    return (long) DATA.get(array, i * EVENT_SIZE);
  }

  /** Fills one event, as {@code epoll_ctl} reads it. */
  static void set(MemorySegment event, int events, long data) {
    EVENTS.set(event, 0L, events);
    DATA.set(event, 0L, data);
  }
}
