package zloop.backend.iouring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;
import zloop.posix.Libc;

/**
 * One io_uring instance: its descriptor, the mmapped submission and completion rings, and the setup
 * flags the kernel accepted.
 *
 * <p>Setup asks for the best flags first and steps down a rung each time the kernel answers {@code
 * EINVAL} (it does not know a flag): {@code SINGLE_ISSUER | DEFER_TASKRUN} (Linux 6.1: completions
 * are processed only when the loop asks for them, never by interrupting it), then {@code
 * SINGLE_ISSUER | COOP_TASKRUN} (6.0), then a ring any thread may drive, then a plain ring. Every
 * rung but the last adds {@code SUBMIT_ALL} (one bad entry does not stop the batch behind it), and
 * all ask for a completion ring of the given size ({@code CQSIZE | CLAMP}).
 *
 * <p>A single-issuer ring belongs to the thread that enables it, so it is created disabled ({@code
 * R_DISABLED}) and {@link #enable enabled} by the loop thread on its first poll: the loop may be
 * built on one thread and run on another.
 *
 * <p>Not thread-safe; {@link #enter} counts its calls for the tests, and hands them to an {@link
 * EnterHook} if the ring was opened with one.
 */
final class Ring implements AutoCloseable {

  /**
   * A test seam at the one place every {@code io_uring_enter} of a ring goes through: it sees each
   * call and answers it, by running the real one or not, and with the kernel's result or one of its
   * own (an error the kernel here never returns, say). Rings in production have none.
   */
  @FunctionalInterface
  interface EnterHook {
    int enter(
        Kernel kernel, int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize);
  }

  /** The real {@code io_uring_enter} of one ring, for its {@link EnterHook}; raw result. */
  @FunctionalInterface
  interface Kernel {
    int enter(int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize);
  }

  /** The setup rungs, best first; see the class comment. */
  static final int[] RUNGS = {
    IoUring.IORING_SETUP_SINGLE_ISSUER
        | IoUring.IORING_SETUP_DEFER_TASKRUN
        | IoUring.IORING_SETUP_SUBMIT_ALL
        | IoUring.IORING_SETUP_R_DISABLED,
    IoUring.IORING_SETUP_SINGLE_ISSUER
        | IoUring.IORING_SETUP_COOP_TASKRUN
        | IoUring.IORING_SETUP_SUBMIT_ALL
        | IoUring.IORING_SETUP_R_DISABLED,
    IoUring.IORING_SETUP_SUBMIT_ALL,
    0
  };

  /**
   * The first rung any thread may drive. It has no {@code COOP_TASKRUN} either: completions are
   * finished by the thread that submitted the request, and only a ring without it interrupts that
   * thread when it sleeps elsewhere (a virtual thread's former carrier, a loop's former thread).
   */
  static final int FIRST_SHARED_RUNG = 2;

  /** Features zloop relies on; all older than the multishot RECV it needs anyway. */
  private static final int REQUIRED_FEATURES =
      IoUring.IORING_FEAT_NODROP | IoUring.IORING_FEAT_SUBMIT_STABLE | IoUring.IORING_FEAT_EXT_ARG;

  private final int fd;
  private final int flags;
  private final int features;
  private final ErrnoCapture errno;
  private final List<MemorySegment> mappings;
  private final SubmissionQueue sq;
  private final CompletionQueue cq;
  private final EnterHook enterHook; // null: enter calls the kernel directly
  private final Kernel kernel;
  private boolean enabled;
  private long enterCalls;
  private boolean closed;

  private Ring(
      int fd,
      MemorySegment params,
      ErrnoCapture errno,
      List<MemorySegment> mappings,
      SubmissionQueue sq,
      CompletionQueue cq,
      EnterHook enterHook) {
    this.fd = fd;
    this.flags = Params.get(Params.FLAGS, params);
    this.features = Params.get(Params.FEATURES, params);
    this.errno = errno;
    this.mappings = mappings;
    this.sq = sq;
    this.cq = cq;
    this.enabled = (flags & IoUring.IORING_SETUP_R_DISABLED) == 0;
    this.enterHook = enterHook;
    this.kernel = enterHook == null ? null : this::enterKernel;
  }

  /**
   * Sets up a ring from rung {@code firstRung} of {@link #RUNGS} down, and maps it.
   *
   * @param sqEntries submission entries (a power of two; the kernel rounds up)
   * @param cqEntries completion entries, at least {@code sqEntries}
   * @param arena holds the params struct; must outlive the call only
   * @param enterHook sees every enter of the ring, for tests; {@code null}: none
   * @throws IOException with the reason io_uring cannot serve here (see {@link SetupFailure})
   */
  static Ring open(
      int firstRung,
      int sqEntries,
      int cqEntries,
      Arena arena,
      ErrnoCapture errno,
      EnterHook enterHook)
      throws IOException {
    MemorySegment params = arena.allocate(Params.LAYOUT);
    int fd = -Errno.EINVAL;
    for (int rung = firstRung; rung < RUNGS.length && fd == -Errno.EINVAL; rung++) {
      params.fill((byte) 0);
      Params.CQ_ENTRIES.set(params, 0L, cqEntries);
      Params.FLAGS.set(
          params, 0L, RUNGS[rung] | IoUring.IORING_SETUP_CQSIZE | IoUring.IORING_SETUP_CLAMP);
      fd = IoUring.setup(sqEntries, params, errno);
    }
    if (fd < 0) {
      throw new IOException(SetupFailure.describe(-fd));
    }
    int features = Params.get(Params.FEATURES, params);
    if ((features & REQUIRED_FEATURES) != REQUIRED_FEATURES) {
      Libc.close(fd, errno);
      throw new IOException(
          "the kernel's io_uring is too old: it lacks NODROP, SUBMIT_STABLE or EXT_ARG"
              + " (features 0x"
              + Integer.toHexString(features)
              + "; zloop needs Linux 6.0)");
    }
    List<MemorySegment> mappings = new ArrayList<>(3);
    try {
      return map(fd, params, errno, mappings, enterHook);
    } catch (IOException | RuntimeException e) {
      unmapAll(mappings, errno);
      Libc.close(fd, errno);
      throw e;
    }
  }

  private static Ring map(
      int fd,
      MemorySegment params,
      ErrnoCapture errno,
      List<MemorySegment> mappings,
      EnterHook enterHook)
      throws IOException {
    int sqEntries = Params.get(Params.SQ_ENTRIES, params);
    int cqEntries = Params.get(Params.CQ_ENTRIES, params);
    long sqSize = Params.get(Params.SQ_OFF_ARRAY, params) + (long) sqEntries * Integer.BYTES;
    long cqSize = Params.get(Params.CQ_OFF_CQES, params) + (long) cqEntries * Cqe.SIZE;
    MemorySegment sqRing;
    MemorySegment cqRing;
    if ((Params.get(Params.FEATURES, params) & IoUring.IORING_FEAT_SINGLE_MMAP) != 0) {
      // One mapping holds both rings (Linux 5.4+).
      sqRing = mapped(fd, Math.max(sqSize, cqSize), IoUring.IORING_OFF_SQ_RING, errno, mappings);
      cqRing = sqRing;
    } else {
      sqRing = mapped(fd, sqSize, IoUring.IORING_OFF_SQ_RING, errno, mappings);
      cqRing = mapped(fd, cqSize, IoUring.IORING_OFF_CQ_RING, errno, mappings);
    }
    MemorySegment sqes = mapped(fd, sqEntries * Sqe.SIZE, IoUring.IORING_OFF_SQES, errno, mappings);
    return new Ring(
        fd,
        params,
        errno,
        mappings,
        new SubmissionQueue(sqRing, sqes, params),
        new CompletionQueue(cqRing, params),
        enterHook);
  }

  private static MemorySegment mapped(
      int fd, long size, long offset, ErrnoCapture errno, List<MemorySegment> mappings)
      throws IOException {
    MemorySegment m = IoUring.mapRing(fd, size, offset, errno);
    if (m.equals(MemorySegment.NULL)) {
      throw Errno.exception("mmap of the io_uring rings", errno.get());
    }
    mappings.add(m);
    return m;
  }

  SubmissionQueue sq() {
    return sq;
  }

  CompletionQueue cq() {
    return cq;
  }

  /** The setup flags the kernel accepted. */
  int flags() {
    return flags;
  }

  /** The {@code IORING_FEAT_*} bits the kernel reported at setup. */
  int features() {
    return features;
  }

  boolean singleIssuer() {
    return (flags & IoUring.IORING_SETUP_SINGLE_ISSUER) != 0;
  }

  /**
   * Enables a ring created disabled: with {@code SINGLE_ISSUER}, the calling thread becomes the
   * only one that may submit to it. Does nothing on a ring that is enabled already.
   */
  void enable() throws IOException {
    if (!enabled) {
      Errno.check(
          "io_uring_register(IORING_REGISTER_ENABLE_RINGS)",
          register(IoUring.IORING_REGISTER_ENABLE_RINGS, MemorySegment.NULL, 0));
      enabled = true;
    }
  }

  /**
   * {@code io_uring_enter} on this ring, counted in {@link #enterCalls()}; raw result (or what the
   * ring's {@link EnterHook} answers in its place).
   */
  int enter(int toSubmit, int minComplete, int enterFlags, MemorySegment arg, long argSize) {
    enterCalls++;
    if (enterHook != null) {
      return enterHook.enter(kernel, toSubmit, minComplete, enterFlags, arg, argSize);
    }
    return enterKernel(toSubmit, minComplete, enterFlags, arg, argSize);
  }

  private int enterKernel(
      int toSubmit, int minComplete, int enterFlags, MemorySegment arg, long argSize) {
    return IoUring.enter(fd, toSubmit, minComplete, enterFlags, arg, argSize, errno);
  }

  /** {@code io_uring_register} on this ring; raw result. */
  int register(int opcode, MemorySegment arg, int nrArgs) {
    return IoUring.register(fd, opcode, arg, nrArgs, errno);
  }

  /** How many times {@link #enter} was called. */
  long enterCalls() {
    return enterCalls;
  }

  /** The accepted setup flags by name, for messages and reports. */
  String describeFlags() {
    StringJoiner names = new StringJoiner(" | ");
    name(names, IoUring.IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER");
    name(names, IoUring.IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN");
    name(names, IoUring.IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN");
    name(names, IoUring.IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL");
    name(names, IoUring.IORING_SETUP_R_DISABLED, "R_DISABLED");
    name(names, IoUring.IORING_SETUP_CQSIZE, "CQSIZE");
    name(names, IoUring.IORING_SETUP_CLAMP, "CLAMP");
    return names.length() == 0 ? "none" : names.toString();
  }

  private void name(StringJoiner names, int flag, String name) {
    if ((flags & flag) != 0) {
      names.add(name);
    }
  }

  /** How many operations were submitted whose final completion was not read yet. */
  long inFlight() {
    return sq.claimedCount() - cq.finishedCount();
  }

  /**
   * Closes the descriptor and unmaps the rings. The mappings hold the ring's file too, so it is
   * released by the last unmap; the kernel then cancels what is still in flight later, from a
   * workqueue, so memory those operations may write must outlive this call (see {@link
   * IoUringBackend#close}). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Libc.close(fd, errno);
    unmapAll(mappings, errno);
  }

  private static void unmapAll(List<MemorySegment> mappings, ErrnoCapture errno) {
    for (MemorySegment m : mappings) {
      IoUring.unmap(m, errno);
    }
    mappings.clear();
  }
}
