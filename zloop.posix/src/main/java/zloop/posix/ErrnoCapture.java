package zloop.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * Where a downcall bound with {@link Downcalls#CAPTURE_ERRNO} leaves {@code errno}.
 *
 * <p>Allocate one per loop, once, and pass it to every call the loop makes: reusing it costs a few
 * nanoseconds, allocating one per call about twenty. It is <em>not</em> thread-safe: a capture
 * written by one thread's call and read by another's is a wrong errno, so it is never shared
 * between threads.
 */
public final class ErrnoCapture {

  private static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = LAYOUT.varHandle(PathElement.groupElement("errno"));

  // Native errnos become zloop's Linux-numbered kinds here, the one place every capture is read.
  private static final PosixAbi ABI = PosixAbi.host();

  private final MemorySegment segment;

  /** Allocates the capture in {@code arena}, which must outlive every call that uses it. */
  public ErrnoCapture(Arena arena) {
    this.segment = arena.allocate(LAYOUT);
  }

  /** The segment to pass as a capturing downcall's first argument. */
  public MemorySegment segment() {
    return segment;
  }

  /**
   * The errno the last capturing call left here, as the kind {@link Errno}'s constants name: the
   * host's number translated through {@link PosixAbi#errnoKind} (the identity on Linux; on macOS
   * and FreeBSD, EAGAIN's 35 becomes {@link Errno#EAGAIN}).
   */
  public int get() {
    return ABI.errnoKind((int) ERRNO.get(segment, 0L));
  }
}
