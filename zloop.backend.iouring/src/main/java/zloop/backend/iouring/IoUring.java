package zloop.backend.iouring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import zloop.posix.Downcalls;
import zloop.posix.ErrnoCapture;

/**
 * io_uring(7) through FFM: {@code io_uring_setup(2)}, {@code io_uring_enter(2)} and {@code
 * io_uring_register(2)} as raw syscalls (glibc has no wrappers for them), {@code mmap(2)} and
 * {@code munmap(2)} for the rings, and the constants zloop uses from {@code <linux/io_uring.h>}.
 *
 * <p>No policy: every call returns {@code >= 0} on success or {@code -errno} on failure, {@code
 * EINTR} included, so the caller decides what a signal means for its deadline. The struct layouts
 * live with the classes that read them ({@link Params}, {@link Sqe}, {@link Cqe}, {@link WaitArgs},
 * {@link Probe}, {@link BufferRing}).
 *
 * <p>Loading this class links native functions: check native access first.
 */
@SuppressWarnings("restricted") // binding the io_uring syscalls is this class's job
final class IoUring {

  // Syscall numbers: io_uring came after the tables were unified, so x86_64 and the generic table
  // (aarch64) agree.
  static final long SYS_IO_URING_SETUP = 425;
  static final long SYS_IO_URING_ENTER = 426;
  static final long SYS_IO_URING_REGISTER = 427;

  // io_uring_setup flags.
  static final int IORING_SETUP_CQSIZE = 1 << 3;
  static final int IORING_SETUP_CLAMP = 1 << 4;
  static final int IORING_SETUP_R_DISABLED = 1 << 6;
  static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
  static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
  static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
  static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;

  // io_uring_params.features.
  static final int IORING_FEAT_SINGLE_MMAP = 1;
  static final int IORING_FEAT_NODROP = 1 << 1;
  static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
  static final int IORING_FEAT_EXT_ARG = 1 << 8;

  // Opcodes (enum io_uring_op).
  static final int IORING_OP_POLL_ADD = 6;
  static final int IORING_OP_SENDMSG = 9;
  static final int IORING_OP_ACCEPT = 13;
  static final int IORING_OP_ASYNC_CANCEL = 14;
  static final int IORING_OP_CONNECT = 16;
  static final int IORING_OP_SEND = 26;
  static final int IORING_OP_RECV = 27;
  static final int IORING_OP_SEND_ZC = 47; // arrived with multishot RECV, in Linux 6.0

  // sq_ring->flags.
  static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;

  // sqe->cancel_flags of ASYNC_CANCEL.
  static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;

  /** {@code io_uring_enter}'s error when completions were dropped despite NODROP (not in Errno). */
  static final int EBADR = 53;

  // sqe->flags.
  static final int IOSQE_BUFFER_SELECT = 1 << 5;

  // sqe->len of POLL_ADD; sqe->ioprio of RECV/SEND and of ACCEPT.
  static final int IORING_POLL_ADD_MULTI = 1;
  static final int IORING_RECV_MULTISHOT = 1 << 1;
  static final int IORING_ACCEPT_MULTISHOT = 1;

  // cqe->flags; a provided buffer's id sits in the upper 16 bits.
  static final int IORING_CQE_F_BUFFER = 1;
  static final int IORING_CQE_F_MORE = 1 << 1;
  static final int IORING_CQE_BUFFER_SHIFT = 16;

  // Receive bundles (Linux 6.10): sqe->ioprio of a RECV that fills several provided buffers in one
  // completion, and the feature bit that says the kernel has them.
  static final int IORING_RECVSEND_BUNDLE = 1 << 4;
  static final int IORING_FEAT_RECVSEND_BUNDLE = 1 << 14;

  // mmap offsets of the three regions.
  static final long IORING_OFF_SQ_RING = 0L;
  static final long IORING_OFF_CQ_RING = 0x8000000L;
  static final long IORING_OFF_SQES = 0x10000000L;

  // io_uring_enter flags.
  static final int IORING_ENTER_GETEVENTS = 1;
  static final int IORING_ENTER_EXT_ARG = 1 << 3;

  // io_uring_register opcodes.
  static final int IORING_REGISTER_PROBE = 8;
  static final int IORING_REGISTER_ENABLE_RINGS = 12;
  static final int IORING_REGISTER_PBUF_RING = 22;

  // struct io_uring_probe_op.flags.
  static final int IO_URING_OP_SUPPORTED = 1;

  // poll(2) event bits, as POLL_ADD takes and reports them.
  static final int POLLIN = 0x001;
  static final int POLLOUT = 0x004;
  static final int POLLERR = 0x008;
  static final int POLLHUP = 0x010;

  // mmap(2).
  static final int PROT_READ = 1;
  static final int PROT_WRITE = 2;
  static final int MAP_SHARED = 1;
  static final int MAP_PRIVATE = 2;
  static final int MAP_ANONYMOUS = 0x20;
  static final int MAP_POPULATE = 0x8000;

  private static final Linker LINKER = Linker.nativeLinker();

  // long syscall(long number, ...); variadic from the first argument after the number.
  private static final Linker.Option VARIADIC = Linker.Option.firstVariadicArg(1);

  // io_uring_setup(u32 entries, struct io_uring_params *p)
  private static final MethodHandle SETUP =
      LINKER.downcallHandle(
          Downcalls.symbol("syscall"),
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS),
          VARIADIC,
          Downcalls.CAPTURE_ERRNO);

  // io_uring_enter(int fd, u32 to_submit, u32 min_complete, u32 flags, const void *arg,
  //                size_t argsz). It blocks, so it is never linked critical.
  private static final MethodHandle ENTER =
      LINKER.downcallHandle(
          Downcalls.symbol("syscall"),
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG),
          VARIADIC,
          Downcalls.CAPTURE_ERRNO);

  // io_uring_register(int fd, unsigned opcode, void *arg, unsigned nr_args)
  private static final MethodHandle REGISTER =
      LINKER.downcallHandle(
          Downcalls.symbol("syscall"),
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
          VARIADIC,
          Downcalls.CAPTURE_ERRNO);

  // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
  private static final MethodHandle MMAP =
      LINKER.downcallHandle(
          Downcalls.symbol("mmap"),
          FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
          Downcalls.CAPTURE_ERRNO);

  // int munmap(void *addr, size_t length);
  private static final MethodHandle MUNMAP =
      LINKER.downcallHandle(
          Downcalls.symbol("munmap"),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG),
          Downcalls.CAPTURE_ERRNO);

  private IoUring() {}

  /** {@code io_uring_setup}: the ring's fd, or {@code -errno}. {@code params} is in/out. */
  static int setup(int entries, MemorySegment params, ErrnoCapture errno) {
    try {
      long r = (long) SETUP.invokeExact(errno.segment(), SYS_IO_URING_SETUP, entries, params);
      return r < 0 ? -errno.get() : (int) r;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * {@code io_uring_enter}: how many SQEs were consumed (or, if none were to be, what the wait
   * returned: {@code 0}), or {@code -errno} ({@code -ETIME} when a timeout passed, {@code -EINTR}
   * for a signal).
   */
  static int enter(
      int fd,
      int toSubmit,
      int minComplete,
      int flags,
      MemorySegment arg,
      long argSize,
      ErrnoCapture errno) {
    try {
      long r =
          (long)
              ENTER.invokeExact(
                  errno.segment(),
                  SYS_IO_URING_ENTER,
                  fd,
                  toSubmit,
                  minComplete,
                  flags,
                  arg,
                  argSize);
      return r < 0 ? -errno.get() : (int) r;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code io_uring_register}: {@code >= 0}, or {@code -errno}. */
  static int register(int fd, int opcode, MemorySegment arg, int nrArgs, ErrnoCapture errno) {
    try {
      long r =
          (long) REGISTER.invokeExact(errno.segment(), SYS_IO_URING_REGISTER, fd, opcode, arg, nrArgs);
      return r < 0 ? -errno.get() : (int) r;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * Maps {@code length} bytes of the ring {@code fd} at the magic {@code offset} ({@link
   * #IORING_OFF_SQ_RING} ...), shared with the kernel and populated at once.
   *
   * @return the mapping, or {@link MemorySegment#NULL} with the errno left in {@code errno}
   */
  static MemorySegment mapRing(int fd, long length, long offset, ErrnoCapture errno) {
    return map(length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset, errno);
  }

  /**
   * Maps {@code length} bytes of fresh zeroed memory, page-aligned (what a provided-buffer ring
   * needs), or {@link MemorySegment#NULL} with the errno left in {@code errno}.
   */
  static MemorySegment mapAnonymous(long length, ErrnoCapture errno) {
    return map(length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, errno);
  }

  private static MemorySegment map(
      long length, int prot, int flags, int fd, long offset, ErrnoCapture errno) {
    try {
      long address =
          (long) MMAP.invokeExact(errno.segment(), MemorySegment.NULL, length, prot, flags, fd, offset);
      // MAP_FAILED is (void *) -1.
      return address == -1L ? MemorySegment.NULL : MemorySegment.ofAddress(address).reinterpret(length);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code munmap}: {@code 0}, or {@code -errno}. */
  static int unmap(MemorySegment mapping, ErrnoCapture errno) {
    try {
      int r = (int) MUNMAP.invokeExact(errno.segment(), mapping, mapping.byteSize());
      return r < 0 ? -errno.get() : r;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }
}
