package zloop.backend.iouring;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The completion side of a ring: the CQ ring's head, tail and CQE array, mirroring {@code struct
 * io_cqring_offsets} of {@code <linux/io_uring.h>}.
 *
 * <p>The kernel produces at the tail; zloop reads the tail with an acquire load (so the entries
 * before it are fully written), reads entries at {@link #entry}, and hands them back by publishing
 * the new head with a release store ({@link #advance}), after which the kernel may overwrite them.
 *
 * <p>Loop thread only.
 */
final class CompletionQueue {

  private static final VarHandle INT = JAVA_INT.varHandle();

  private final MemorySegment ring;
  private final long headOffset;
  private final long tailOffset;
  private final long cqesOffset;
  private final int mask;

  /** zloop's head: entries before it have been handed back. */
  private int head;

  /** Final completions read so far (no {@code IORING_CQE_F_MORE}): operations that ended. */
  private long finished;

  CompletionQueue(MemorySegment ring, MemorySegment params) {
    this.ring = ring;
    this.headOffset = Params.get(Params.CQ_OFF_HEAD, params);
    this.tailOffset = Params.get(Params.CQ_OFF_TAIL, params);
    this.cqesOffset = Params.get(Params.CQ_OFF_CQES, params);
    this.mask = ring.get(JAVA_INT, Params.get(Params.CQ_OFF_RING_MASK, params));
    this.head = (int) INT.getAcquire(ring, headOffset);
  }

  /** How many completions wait to be read. */
  int ready() {
    return (int) INT.getAcquire(ring, tailOffset) - head;
  }

  /** The byte offset in {@link #segment()} of the {@code i}-th waiting completion. */
  long entry(int i) {
    return cqesOffset + ((head + i) & mask) * Cqe.SIZE;
  }

  /** The ring's memory, to read entries from with {@link Cqe}. */
  MemorySegment segment() {
    return ring;
  }

  /** Hands {@code n} read completions back to the kernel (a release store of the head). */
  void advance(int n) {
    head += n;
    INT.setRelease(ring, headOffset, head);
  }

  /** Counts one final completion: its operation is over, the kernel holds nothing for it. */
  void finished() {
    finished++;
  }

  /** How many final completions were counted. */
  long finishedCount() {
    return finished;
  }
}
