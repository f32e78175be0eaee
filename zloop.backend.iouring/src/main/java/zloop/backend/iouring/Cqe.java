package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct io_uring_cqe}, the 16-byte completion queue entry (zloop never asks for the
 * 32-byte {@code IORING_SETUP_CQE32} form).
 *
 * <pre>
 * struct io_uring_cqe {
 *   __u64 user_data;   // the submission's user_data, unchanged
 *   __s32 res;         // the result: >= 0, or -errno
 *   __u32 flags;       // IORING_CQE_F_*; a provided buffer's id in the upper 16 bits
 * };
 * </pre>
 */
final class Cqe {

  static final StructLayout LAYOUT =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("user_data"), JAVA_INT.withName("res"), JAVA_INT.withName("flags"));

  static final long SIZE = LAYOUT.byteSize();

  private static final VarHandle USER_DATA = LAYOUT.varHandle(groupElement("user_data"));
  private static final VarHandle RES = LAYOUT.varHandle(groupElement("res"));
  private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));

  private Cqe() {}

  static long userData(MemorySegment cqes, long at) {
    return (long) USER_DATA.get(cqes, at);
  }

  static int res(MemorySegment cqes, long at) {
    return (int) RES.get(cqes, at);
  }

  static int flags(MemorySegment cqes, long at) {
    return (int) FLAGS.get(cqes, at);
  }

  /** Whether the request that posted this completion will post more ({@code IORING_CQE_F_MORE}). */
  static boolean more(int flags) {
    return (flags & IoUring.IORING_CQE_F_MORE) != 0;
  }

  /** The provided buffer this completion filled, or -1 if it carries none. */
  static int bufferId(int flags) {
    return (flags & IoUring.IORING_CQE_F_BUFFER) != 0
        ? flags >>> IoUring.IORING_CQE_BUFFER_SHIFT
        : -1;
  }
}
