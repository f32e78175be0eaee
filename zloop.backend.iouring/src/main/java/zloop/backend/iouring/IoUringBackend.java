package zloop.backend.iouring;

import zloop.posix.EventFd;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import zloop.engine.spi.DatagramHandle;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import zloop.engine.spi.Backend;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.spi.WatchedFd;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;
import zloop.posix.ForeignSocket;
import zloop.posix.GenerationTable;
import zloop.posix.PosixSocket;
import zloop.posix.SocketCalls;
import zloop.posix.Sockets;

/**
 * One loop's io_uring: a ring, a provided-buffer ring, a wake-up eventfd, and the sockets and
 * watched descriptors that submit to it.
 *
 * <p>Each {@link #poll} is one turn in three phases, with one {@code io_uring_enter}:
 *
 * <ol>
 *   <li><b>submit</b>: every {@link RingUser} that asked since the last turn writes its entries
 *       (and may deliver data it held: then the wait below must not block); cancels queued by
 *       closes go out too;
 *   <li><b>enter</b>: submits the batch and, in the same call, waits for at least one completion
 *       ({@code IORING_ENTER_GETEVENTS}, {@code min_complete} 1, the timeout as an {@code
 *       IORING_ENTER_EXT_ARG} timespec) or, when it may not block, only collects what is ready;
 *   <li><b>dispatch</b>: {@link Completions} routes up to a bounded number of completions.
 * </ol>
 *
 * A turn that writes more than the submission queue or the scratch holds submits early (one more
 * enter); {@link #enterCalls()} counts them all.
 *
 * <p>Threads: built on any thread; the first {@link #poll} enables the ring on its thread, which
 * with {@code SINGLE_ISSUER} must run every later poll (a clear {@link IOException} says so
 * otherwise). A first poll on a virtual thread replaces the ring with one any thread may drive,
 * since a virtual thread moves between carriers. {@link #wakeup} is safe from any thread, also
 * after {@link #close}.
 *
 * <p>Memory: a shared arena for the structs (the backend is built and used on different threads),
 * anonymous mappings for the receive buffers; all allocated when it opens, none per event.
 */
final class IoUringBackend implements Backend, zloop.posix.PosixProcessBackend {

  private final LoopContext context;
  private final Config config;
  private final Arena arena;
  private final ErrnoCapture errno;
  private final SocketCalls calls;
  private final BufferRing buffers;
  private final WakeupPoll wakeup;
  private final WaitArgs waitArgs;
  private final GenerationTable<RingUser> slots = UserData.newTable();
  private final Submissions submissions = new Submissions(slots);
  private final Orphans orphans;
  private final Completions completions;
  private final Map<Integer, FdWatch> watches = new HashMap<>();
  private final StarvedReceives starved = new StarvedReceives();

  private Ring ring;
  private Submitter submitter;
  private int completionsPerPoll;
  private long retiredEnterCalls;
  private long overflows;
  private Thread issuer;
  private boolean closed;

  private IoUringBackend(
      LoopContext context,
      Config config,
      Arena arena,
      ErrnoCapture errno,
      Ring ring,
      BufferRing buffers,
      EventFd eventFd) {
    this.context = context;
    this.config = config;
    this.arena = arena;
    this.errno = errno;
    this.calls = new SocketCalls(arena, errno);
    this.ring = ring;
    this.buffers = buffers;
    this.wakeup = new WakeupPoll(eventFd);
    this.waitArgs = new WaitArgs(arena);
    this.submitter = new Submitter(ring, arena);
    this.orphans = new Orphans(buffers, calls);
    this.completions = new Completions(slots, orphans, wakeup, context);
    this.completionsPerPoll = config.completionsPerPoll();
  }

  /**
   * Sets up the ring, checks that the kernel has every operation zloop submits, registers the
   * receive buffers and opens the wake-up eventfd; on failure releases what was made.
   *
   * @throws IOException with the reason io_uring cannot serve here
   */
  static IoUringBackend open(LoopContext context, Config config) throws IOException {
    Arena arena = Arena.ofShared();
    ErrnoCapture errno = new ErrnoCapture(arena);
    Ring ring = null;
    BufferRing buffers = null;
    try {
      ring =
          Ring.open(
              config.firstRung(),
              config.sqEntries(),
              config.cqEntries(),
              arena,
              errno,
              config.enterHook());
      String missing = Probe.missingOperations(ring, arena);
      if (missing != null) {
        throw new IOException(missing);
      }
      buffers = BufferRing.create(config.bufferCount(), config.bufferSize(), errno);
      buffers.register(ring, arena);
      if (config.bundles() && (ring.features() & IoUring.IORING_FEAT_RECVSEND_BUNDLE) != 0) {
        buffers.useBundles();
      }
      EventFd eventFd = EventFd.open(arena, errno);
      return new IoUringBackend(context, config, arena, errno, ring, buffers, eventFd);
    } catch (IOException | RuntimeException e) {
      if (ring != null) {
        ring.close();
      }
      if (buffers != null) {
        buffers.close();
      }
      arena.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------ the turn

  @Override
  public boolean hasQueuedSubmissions() {
    return submissions.hasWork() || submitter.hasQueued() || !starved.isEmpty();
  }

  @Override
  public int poll(long timeoutNanos) throws IOException {
    ensureOpen();
    ensureIssuer();
    wakeup.submit(submitter);
    starved.release(this, config.bufferCount()); // at most one buffer's worth of RECVs each
    int events = submissions.submit(submitter, context);
    // User code runs in the submission phase too (getBuffer, held data): whatever it made ready,
    // the engine must run before the loop sleeps.
    boolean block =
        timeoutNanos != 0
            && events == 0
            && submissions.isEmpty()
            && starved.isEmpty() // the next turn arms more of them: do not wait for I/O first
            && ring.cq().ready() == 0
            && !context.hasReadyWork();
    if (ring.sq().completionsOverflowed()) {
      overflows++; // the kernel kept them (NODROP); this turn's enter (GETEVENTS) flushes them
    }
    enter(block, timeoutNanos);
    return events + completions.reap(ring.cq(), completionsPerPoll);
  }

  /** The one enter of the turn: submit the batch, and wait if allowed. */
  private void enter(boolean block, long timeoutNanos) throws IOException {
    int toSubmit = submitter.publish();
    int flags = IoUring.IORING_ENTER_GETEVENTS;
    int minComplete = 0;
    MemorySegment arg = MemorySegment.NULL;
    long argSize = 0;
    if (block) {
      minComplete = 1;
      if (timeoutNanos > 0) {
        flags |= IoUring.IORING_ENTER_EXT_ARG;
        arg = waitArgs.timeout(timeoutNanos);
        argSize = WaitArgs.size();
      }
    }
    int r = ring.enter(toSubmit, minComplete, flags, arg, argSize);
    submitter.submitted();
    if (r < 0) {
      switch (-r) {
        // A signal, the timeout, or the kernel short of memory or busy flushing completions that
        // overflowed (io_uring_enter(2)): the engine recomputes its deadlines and polls again; what
        // was not submitted goes then, and the next enter flushes the overflow again.
        case Errno.EINTR, Errno.ETIME, Errno.EAGAIN, Errno.EBUSY -> {}
        // The kernel could not even keep an overflowed completion and dropped it (the error state
        // is cleared by this report). The loop goes on; say so, since an operation may never end.
        case IoUring.EBADR ->
            context.reportError(
                "io_uring dropped completions (the completion queue overflowed and the kernel"
                    + " could not keep them); some operations may never report",
                Errno.exception("io_uring_enter", -r));
        default -> throw Errno.exception("io_uring_enter", -r);
      }
    }
  }

  /**
   * Sends the queued cancels to the kernel now rather than with the next poll, and lets it finish
   * them ({@code GETEVENTS} without waiting runs the ring's pending task work): for memory or a
   * file the user may reuse as soon as the call that cancelled returns. If the kernel takes none
   * of them even after bounded retries ({@code EAGAIN}, {@code EBUSY}), says so; they go with the
   * next poll. Loop thread.
   */
  void submitCancelsNow() {
    if (closed || issuer == null || (ring.singleIssuer() && Thread.currentThread() != issuer)) {
      return; // never polled: nothing is in flight; closing cancels everything itself
    }
    submissions.submitCancels(submitter);
    try {
      submitter.submitAndRunTaskWork();
    } catch (IllegalStateException e) {
      context.reportError(
          "io_uring took none of the cancels that release memory or a file at once; they go with"
              + " the next poll, and the kernel may use what they release until then",
          e);
    }
  }

  /** The first poll enables the ring on its thread; later ones must come from that thread. */
  private void ensureIssuer() throws IOException {
    Thread current = Thread.currentThread();
    if (current == issuer) {
      return;
    }
    if (issuer == null) {
      if (current.isVirtual() && ring.singleIssuer()) {
        // A virtual thread moves between carriers, and the kernel would bind the ring to the
        // carrier that enabled it: nothing was submitted yet, so take a ring any thread may drive.
        replaceRing(Ring.FIRST_SHARED_RUNG);
      }
      ring.enable();
      issuer = current;
      return;
    }
    if (ring.singleIssuer()) {
      throw new IOException(
          "this loop's io_uring ring belongs to thread \""
              + issuer.getName()
              + "\", which first ran the loop (IORING_SETUP_SINGLE_ISSUER), so thread \""
              + current.getName()
              + "\" cannot run it: run a loop on one thread, or start the JVM with -D"
              + Config.SINGLE_ISSUER_PROPERTY
              + "=false");
    }
    issuer = current;
  }

  private void replaceRing(int rung) throws IOException {
    Ring fresh =
        Ring.open(rung, config.sqEntries(), config.cqEntries(), arena, errno, config.enterHook());
    retiredEnterCalls += ring.enterCalls();
    ring.close();
    ring = fresh;
    submitter = new Submitter(fresh, arena);
    wakeup.disarm();
    try {
      buffers.register(fresh, arena);
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  // ------------------------------------------------------------------ what sockets ask for

  /** Has {@code user} {@linkplain RingUser#submit submit} in the next submission phase. */
  void schedule(RingUser user) {
    submissions.schedule(user);
  }

  /** Cancels, with the next submissions, the operation of {@code kind} {@code slot} has in flight. */
  void cancel(int slot, int kind) {
    submissions.cancel(slot, kind);
  }

  /**
   * {@code socket}'s RECV ended with {@code ENOBUFS}: it is armed again from a later turn, with at
   * most as many others as the ring has buffers ({@link StarvedReceives}).
   */
  void starved(IoUringSocket socket) {
    starved.add(socket);
  }

  /** Has the turn check {@code sender}, which has a send in flight ({@link Sender#checkDropped}). */
  void sending(Sender sender) {
    submissions.sending(sender);
  }

  /** The {@code user_data} for an operation of {@code kind} that {@code slot} submits now. */
  long userData(int slot, int kind) {
    return UserData.current(slots, slot, kind);
  }

  Submitter submitter() {
    return submitter;
  }

  BufferRing buffers() {
    return buffers;
  }

  Orphans orphans() {
    return orphans;
  }

  SocketCalls calls() {
    return calls;
  }

  /** Makes in-flight completions of {@code kind} on {@code slot} stale; other kinds stay current. */
  void renew(int slot, int kind) {
    UserData.renew(slots, slot, kind);
  }

  /**
   * Wraps a descriptor that {@code accept} returned, with its peer's address as the kernel recorded
   * it at accept time (a multishot accept returns none).
   */
  IoUringSocket adopt(int fd, int family) {
    PosixSocket core = PosixSocket.accepted(calls, fd, family, calls.peerAtAccept(fd, family));
    IoUringSocket socket = new IoUringSocket(this, core);
    acquire(socket);
    return socket;
  }

  /** Gives {@code user} a slot. */
  void acquire(RingUser user) {
    user.slot = slots.add(user);
  }

  /** Takes {@code user}'s slot back (if it holds one): its completions in flight become stale. */
  void release(RingUser user) {
    int slot = user.slot;
    if (slot >= 0 && slots.owner(slot) == user) {
      slots.remove(slot);
      user.slot = -1;
    }
  }

  /** Stops watching {@code fd} (its poll failed). */
  void unwatch(int fd) {
    FdWatch w = watches.remove(fd);
    if (w != null) {
      w.stop();
    }
  }

  void reportError(String message, Throwable failure) {
    context.reportError(message, failure);
  }

  // ------------------------------------------------------------------ Backend

  @Override
  public void wakeup() {
    wakeup.signal();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("io_uring backend is closed");
    }
  }

  @Override
  public SocketHandle openSocket(SocketKind kind) throws IOException {
    ensureOpen();
    IoUringSocket socket = new IoUringSocket(this, PosixSocket.open(calls, kind));
    acquire(socket);
    return socket;
  }

  @Override
  public SocketHandle adoptSocket(int fd) throws IOException {
    ensureOpen();
    ForeignSocket foreign = ForeignSocket.prepare(fd, errno);
    IoUringSocket socket = new IoUringSocket(this, PosixSocket.adopted(calls, fd, foreign));
    acquire(socket);
    return socket;
  }

  @Override
  public SendFile openFileForSending(Path file) throws IOException {
    ensureOpen();
    return calls.openFile(file);
  }

  @Override
  public void watchFd(int fd, int interest, FdHandler handler) {
    ensureOpen();
    WatchedFd.check(fd, interest, handler);
    if (interest == 0) {
      unwatch(fd);
      return;
    }
    FdWatch w = watches.get(fd);
    if (w == null) {
      if (!Descriptors.isOpen(fd, errno)) {
        throw new IllegalArgumentException("file descriptor " + fd + " is not open");
      }
      w = new FdWatch(this, fd);
      acquire(w);
      watches.put(fd, w);
    }
    w.watch(interest, handler);
  }


  // ------------------------------------------------------------------ datagrams

  /**
   * The datagram sockets and their buffer ring, made with the first one: they receive with a
   * multishot RECVMSG ({@link IoUringDatagram}); the rest is the posix core's, over {@link
   * #watchFd}.
   */
  private IoUringDatagrams datagrams;

  @Override
  public DatagramHandle openDatagramSocket(StandardProtocolFamily family) throws IOException {
    ensureOpen();
    if (datagrams == null) {
      datagrams = new IoUringDatagrams(this, arena, errno, IoUringDatagrams.configuredBufferCount());
    }
    return datagrams.open(family);
  }

  /** Registers another provided-buffer ring as {@code group}, with the ring this loop polls. */
  void registerBuffers(BufferRing ring, short group) throws IOException {
    ring.register(this.ring, arena, group);
  }

  /** The datagram sockets' shared state, or {@code null} before the first; for tests. */
  IoUringDatagrams datagrams() {
    return datagrams;
  }

  /**
   * Closes every socket still open, cancels every operation in flight and waits (a bounded while)
   * until the kernel confirms each one ended, then closes the ring, the buffers and the eventfd.
   * Closing the ring alone would not do: the kernel tears a ring down later, from a workqueue, and
   * may still write into receive buffers meanwhile. If it does not confirm in time, the receive
   * buffers and the arena stay mapped (leaked, reported) rather than freed under the kernel; so
   * they do, without a report, when a thread other than a single-issuer ring's own closes it
   * while operations that write memory are in flight (that thread may not drive the ring; the
   * loop closes on its own thread normally). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (processes != null) {
      processes.close(); // kills and reaps children still running, closes their pipes
    }
    submissions.close();
    starved.clear();
    watches.clear();
    for (RingUser user : slots.snapshot()) {
      user.closeWithBackend();
    }
    if (datagrams != null) {
      datagrams.closeAll();
    }
    int drained = drain();
    boolean quiet = drained == DRAINED;
    ring.close();
    try {
      wakeup.close();
    } catch (IOException e) {
      context.reportError("closing the io_uring backend's eventfd failed", e);
    }
    if (quiet) {
      orphans.releaseAll();
      buffers.close();
      if (datagrams != null) {
        datagrams.release();
      }
      arena.close();
    } else if (drained == DRAIN_TIMED_OUT) {
      context.reportError(
          "the kernel did not confirm that every io_uring operation ended; its receive buffers"
              + " stay mapped",
          new IOException(ring.inFlight() + " operations still in flight when the loop closed"));
    }
  }

  /** How long {@link #close} waits for the kernel to end what is in flight. */
  private static final long DRAIN_NANOS = 5_000_000_000L;

  private static final long DRAIN_STEP_NANOS = 10_000_000L;

  private static final int DRAINED = 0;
  private static final int DRAIN_TIMED_OUT = 1;
  private static final int DRAIN_NOT_ALLOWED = 2;

  /** Cancels everything in flight, and says whether the kernel reported the end of each. */
  private int drain() {
    if (ring.inFlight() - (wakeup.isArmed() ? 1 : 0) == 0) {
      return DRAINED; // at most the wake-up's poll of the eventfd, which writes no memory of ours
    }
    if (issuer == null || (ring.singleIssuer() && Thread.currentThread() != issuer)) {
      return DRAIN_NOT_ALLOWED; // this thread may not drive the ring: nothing can be confirmed
    }
    Sqe.cancelAll(submitter.sqes(), submitter.sqe(), UserData.encode(0, UserData.CANCEL, 0));
    long deadline = System.nanoTime() + DRAIN_NANOS;
    while (ring.inFlight() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return DRAIN_TIMED_OUT;
      }
      int r =
          ring.enter(
              submitter.publish(),
              1,
              IoUring.IORING_ENTER_GETEVENTS | IoUring.IORING_ENTER_EXT_ARG,
              waitArgs.timeout(Math.min(left, DRAIN_STEP_NANOS)),
              WaitArgs.size());
      submitter.submitted();
      if (r < 0
          && r != -Errno.EINTR
          && r != -Errno.ETIME
          && r != -Errno.EAGAIN
          && r != -Errno.EBUSY
          && r != -IoUring.EBADR) {
        return DRAIN_TIMED_OUT;
      }
      completions.discard(ring.cq());
    }
    return DRAINED;
  }

  // ------------------------------------------------------------------ for tests and reports

  /** How many operations the kernel has not reported the end of yet. */
  long inFlight() {
    return ring.inFlight();
  }

  /** How many RECVs the kernel ended with {@code ENOBUFS} (the provided buffers were all out). */
  long starvedReceives() {
    return starved.starved();
  }

  /** How many turns started with completions overflowed from the completion queue. */
  long overflows() {
    return overflows;
  }

  /** How many times this backend called {@code io_uring_enter}. */
  long enterCalls() {
    return retiredEnterCalls + ring.enterCalls();
  }

  /**
   * Changes how many completions one poll dispatches; 0 leaves them all in the queue. For tests
   * that need a completion posted by the kernel but not yet seen by zloop.
   */
  void setCompletionsPerPoll(int limit) {
    completionsPerPoll = limit;
  }

  /** How many completions wait in the completion queue, undispatched. */
  int pendingCompletions() {
    return ring.cq().ready();
  }

  /** The setup flags the kernel accepted, by name. */
  String setupFlags() {
    return ring.describeFlags();
  }

  // ---- pipes and child processes: the shared POSIX implementation, watched by this backend ----

  private zloop.posix.PosixProcesses processes;

  @Override
  public zloop.posix.PosixProcesses processes() {
    ensureOpen();
    if (processes == null) {
      processes = new zloop.posix.PosixProcesses(this, context);
    }
    return processes;
  }
}
