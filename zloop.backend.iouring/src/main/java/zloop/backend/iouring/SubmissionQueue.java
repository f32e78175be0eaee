package zloop.backend.iouring;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The submission side of a ring: the SQ ring (head, tail, index array) and the SQE array, mirroring
 * {@code struct io_sqring_offsets} of {@code <linux/io_uring.h>}.
 *
 * <p>zloop is the only producer: it fills entries at its private {@link #tail}, publishes the tail
 * with a release store right before {@code io_uring_enter} (so the kernel sees whole entries), and
 * reads the kernel's head with an acquire load to learn which entries it has consumed. The index
 * array is the identity, written once, so entry {@code i} is always SQE {@code i}.
 *
 * <p>Loop thread only.
 */
final class SubmissionQueue {

  /** A plain 4-byte field at a byte offset, with acquire/release access to the ring's indices. */
  private static final VarHandle INT = JAVA_INT.varHandle();

  private final MemorySegment ring;
  private final MemorySegment sqes;
  private final long headOffset;
  private final long tailOffset;
  private final long flagsOffset;
  private final int mask;
  private final int entries;

  /** The next entry zloop fills; entries from the kernel's head up to here are zloop's. */
  private int tail;

  /** The kernel's head as last read: entries before it are consumed. */
  private int head;

  /** Entries claimed so far: each is one operation that ends with a final completion. */
  private long claimed;

  SubmissionQueue(MemorySegment ring, MemorySegment sqes, MemorySegment params) {
    this.ring = ring;
    this.sqes = sqes;
    this.headOffset = Params.get(Params.SQ_OFF_HEAD, params);
    this.tailOffset = Params.get(Params.SQ_OFF_TAIL, params);
    this.flagsOffset = Params.get(Params.SQ_OFF_FLAGS, params);
    this.mask = ring.get(JAVA_INT, Params.get(Params.SQ_OFF_RING_MASK, params));
    this.entries = ring.get(JAVA_INT, Params.get(Params.SQ_OFF_RING_ENTRIES, params));
    long array = Params.get(Params.SQ_OFF_ARRAY, params);
    for (int i = 0; i < entries; i++) {
      ring.set(JAVA_INT, array + 4L * i, i);
    }
    this.head = (int) INT.getAcquire(ring, headOffset);
    this.tail = head;
  }

  /** The SQE array, for {@link Sqe}'s writers. */
  MemorySegment sqes() {
    return sqes;
  }

  /**
   * Claims the next entry and zeroes it.
   *
   * @return its byte offset in {@link #sqes()}, or -1 if every entry awaits the kernel (submit
   *     first)
   */
  long next() {
    if (tail - head == entries) {
      head = (int) INT.getAcquire(ring, headOffset);
      if (tail - head == entries) {
        return -1;
      }
    }
    long at = (tail & mask) * Sqe.SIZE;
    Sqe.clear(sqes, at);
    tail++;
    claimed++;
    return at;
  }

  /** Whether {@link #next()} would find a free entry. */
  boolean hasRoom() {
    if (tail - head == entries) {
      head = (int) INT.getAcquire(ring, headOffset);
    }
    return tail - head < entries;
  }

  /**
   * Makes every filled entry visible to the kernel (a release store of the tail).
   *
   * @return how many entries the kernel has yet to consume: {@code to_submit} for the enter
   */
  int publish() {
    INT.setRelease(ring, tailOffset, tail);
    return pending();
  }

  /** How many filled entries the kernel has not consumed yet. */
  int pending() {
    head = (int) INT.getAcquire(ring, headOffset);
    return tail - head;
  }

  /**
   * Whether the kernel holds completions that did not fit in the completion queue ({@code
   * IORING_SQ_CQ_OVERFLOW}); the next enter with {@code GETEVENTS} flushes them into it.
   */
  boolean completionsOverflowed() {
    return ((int) INT.getAcquire(ring, flagsOffset) & IoUring.IORING_SQ_CQ_OVERFLOW) != 0;
  }

  int capacity() {
    return entries;
  }

  /** How many entries were ever claimed. */
  long claimedCount() {
    return claimed;
  }
}
