package zloop.backend.iouring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;
import zloop.posix.Errno;

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
 * counted like any other) and goes on. If the kernel takes nothing ({@code EAGAIN}: short of
 * memory for requests; {@code EBUSY}: busy flushing overflowed completions; io_uring_enter(2)),
 * the early submit backs off and retries, a bounded number of times, rather than failing the turn;
 * so does {@link #submitAndRunTaskWork}, whose caller counts on the kernel having the entries.
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
      submitEarly(); // returns only once the kernel consumed everything: the scratch is free
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

  /** Whether entries are written that the kernel has not consumed yet (the next enter submits them). */
  boolean hasQueued() {
    return sq.pending() != 0;
  }

  /** Called after every enter: once the kernel consumed every entry, the scratch is free. */
  void submitted() {
    if (sq.pending() == 0) {
      scratchUsed = 0;
    }
  }

  /**
   * Submits what was written and lets the kernel finish what it can at once ({@code GETEVENTS}
   * with nothing to wait for runs the ring's pending task work, such as cancellations). Returns
   * only once the kernel consumed every entry, retrying as an early submit does.
   *
   * @throws IllegalStateException if the kernel took nothing after bounded retries, or failed
   */
  void submitAndRunTaskWork() {
    submitAll(IoUring.IORING_ENTER_GETEVENTS);
  }

  /** How many times an enter asks again while the kernel takes nothing. */
  static final int SUBMIT_ATTEMPTS = 200;

  /** Submits everything written so far, so the queue and the scratch are free again. */
  private void submitEarly() {
    submitAll(0);
  }

  /**
   * Enters with {@code flags} (never waiting) until the kernel consumed every entry. Its callers
   * always have an entry to submit, and an enter that submits reports no dropped completions
   * ({@code EBADR} comes only from one that submitted nothing): that report is never lost here.
   */
  private void submitAll(int flags) {
    for (int attempt = 1; ; attempt++) {
      int r = ring.enter(publish(), 0, flags, MemorySegment.NULL, 0);
      submitted();
      if (sq.pending() == 0) {
        return;
      }
      if (r > 0) {
        attempt = 0; // progress: the kernel took some, ask for the rest
        continue;
      }
      if (r < 0 && r != -Errno.EAGAIN && r != -Errno.EBUSY && r != -Errno.EINTR) {
        throw new IllegalStateException(
            "io_uring_enter failed while submitting: " + Errno.exception("io_uring_enter", -r));
      }
      if (attempt == SUBMIT_ATTEMPTS) {
        throw new IllegalStateException(
            "io_uring took none of "
                + sq.pending()
                + " queued submissions in "
                + attempt
                + " attempts (last result "
                + (r < 0 ? Errno.name(-r) : Integer.toString(r))
                + ")");
      }
      // The kernel is short of memory (EAGAIN) or busy: give it a moment, then ask again.
      LockSupport.parkNanos(BACKOFF_NANOS);
    }
  }

  private static final long BACKOFF_NANOS = 100_000L;
}
