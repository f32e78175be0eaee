package zloop.backend.iouring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where a turn's submissions are written: entries of the ring's submission queue, and the small
 * structs some of them point at ({@code msghdr} and {@code iovec}s for SENDMSG, the {@code
 * sockaddr} for CONNECT) in a scratch area.
 *
 * <p>The scratch only has to live until the kernel consumes the entries that point at it: with
 * {@code IORING_FEAT_SUBMIT_STABLE} (which {@link Ring} requires) the kernel has copied what it
 * needs by then. So it is a bump allocator, reset after each enter that consumed everything.
 *
 * <p>Everything a poll writes normally goes to the kernel with that poll's one enter. A turn that
 * writes more than the queue or the scratch holds submits early (an enter that does not wait,
 * counted like any other) and goes on.
 *
 * <p>Loop thread only.
 */
final class Submitter {

  /** How many bytes of structs one turn's submissions may point at before submitting early. */
  static final long SCRATCH_SIZE = 64 * 1024;

  private final Ring ring;
  private final SubmissionQueue sq;
  private final MemorySegment scratch;
  private long scratchUsed;

  Submitter(Ring ring, Arena arena) {
    this.ring = ring;
    this.sq = ring.sq();
    this.scratch = arena.allocate(SCRATCH_SIZE, 64);
  }

  /** The SQE array the offsets {@link #sqe()} returns point into. */
  MemorySegment sqes() {
    return sq.sqes();
  }

  /** Claims a zeroed entry; returns its offset in {@link #sqes()}. */
  long sqe() {
    long at = sq.next();
    if (at < 0) {
      submitEarly();
      at = sq.next();
      if (at < 0) {
        throw new IllegalStateException(
            "io_uring consumed none of " + sq.capacity() + " queued submissions");
      }
    }
    return at;
  }

  /**
   * {@code bytes} of zeroed scratch memory (8-byte aligned), valid until the entry that points at
   * it has been submitted. Claim it first, then the entry with {@link #sqe()}: this makes room for
   * both, so the entry is never submitted early, half written, and the scratch never reset under
   * it.
   */
  MemorySegment scratch(long bytes) {
    long at = (scratchUsed + 7) & ~7L;
    if (at + bytes > scratch.byteSize() || !sq.hasRoom()) {
      submitEarly();
      if (scratchUsed != 0) {
        throw new IllegalStateException("io_uring did not consume the queued submissions");
      }
      at = 0;
    }
    scratchUsed = at + bytes;
    MemorySegment s = scratch.asSlice(at, bytes);
    s.fill((byte) 0);
    return s;
  }

  /** Publishes what was written; returns how many entries the kernel has yet to consume. */
  int publish() {
    return sq.publish();
  }

  /** Called after every enter: once the kernel consumed every entry, the scratch is free. */
  void submitted() {
    if (sq.pending() == 0) {
      scratchUsed = 0;
    }
  }

  private void submitEarly() {
    ring.enter(publish(), 0, 0, MemorySegment.NULL, 0);
    submitted();
  }
}
