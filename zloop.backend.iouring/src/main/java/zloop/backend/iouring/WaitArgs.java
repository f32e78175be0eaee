package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The argument of a waiting {@code io_uring_enter} with {@code IORING_ENTER_EXT_ARG}: how long it
 * may wait, in nanoseconds rather than the milliseconds of {@code epoll_wait}. Allocated once per
 * ring and rewritten before each timed wait.
 *
 * <pre>
 * struct io_uring_getevents_arg { __u64 sigmask; __u32 sigmask_sz; __u32 pad; __u64 ts; };  // 24
 * struct __kernel_timespec { __kernel_time64_t tv_sec; long long tv_nsec; };              // 16
 * </pre>
 *
 * {@code pad} became {@code min_wait_usec} in Linux 6.12; zero keeps its old meaning.
 */
final class WaitArgs {

  static final StructLayout GETEVENTS_ARG =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("sigmask"),
          JAVA_INT.withName("sigmask_sz"),
          JAVA_INT.withName("pad"),
          JAVA_LONG.withName("ts"));

  static final StructLayout KERNEL_TIMESPEC =
      MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

  private static final VarHandle TS = GETEVENTS_ARG.varHandle(groupElement("ts"));
  private static final VarHandle TV_SEC = KERNEL_TIMESPEC.varHandle(groupElement("tv_sec"));
  private static final VarHandle TV_NSEC = KERNEL_TIMESPEC.varHandle(groupElement("tv_nsec"));

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final MemorySegment arg;
  private final MemorySegment timespec;

  /** Allocates both structs in {@code arena}, zeroed: no signal mask. */
  WaitArgs(Arena arena) {
    this.arg = arena.allocate(GETEVENTS_ARG);
    this.timespec = arena.allocate(KERNEL_TIMESPEC);
    TS.set(arg, 0L, timespec.address());
  }

  /** The argument for a wait of at most {@code nanos} (positive). */
  MemorySegment timeout(long nanos) {
    TV_SEC.set(timespec, 0L, nanos / NANOS_PER_SECOND);
    TV_NSEC.set(timespec, 0L, nanos % NANOS_PER_SECOND);
    return arg;
  }

  /** {@code argsz} for {@code io_uring_enter}. */
  static long size() {
    return GETEVENTS_ARG.byteSize();
  }
}
