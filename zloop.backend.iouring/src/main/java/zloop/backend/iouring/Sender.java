package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import zloop.engine.spi.WriteQueue;
import zloop.posix.Errno;
import zloop.posix.IoVecs;
import zloop.posix.Sockets;

/**
 * The write side of one stream socket: at most one SEND (or SENDMSG, for several buffers) in
 * flight, straight from the engine's {@link WriteQueue}, whose buffers stay unchanged until the
 * engine consumes them in {@code onWritten}.
 *
 * <p>Each completion reports the bytes moved with {@code onWritten}; if the queue still holds
 * bytes (a partial send, or writes queued meanwhile) the next send goes out with the next poll's
 * enter. {@code MSG_NOSIGNAL} turns a dead peer into {@code EPIPE} instead of a SIGPIPE. No {@code
 * MSG_WAITALL}: the kernel would then retry short sends itself, and a send cancelled midway
 * (its submitting thread exited) would report {@code ECANCELED} without saying how much it had
 * sent. Without it every completion counts exactly, and a cancelled send sent nothing, so it is
 * simply sent again.
 *
 * <p>The engine may drop the queue while a send is in flight: {@code abort} clears it and says so
 * ({@link #cancelDropped}), and the send is cancelled at once, with its own {@code io_uring_enter}
 * (on a ring without {@code DEFER_TASKRUN} the kernel retries a send as task work whenever the loop
 * thread passes through the kernel, so waiting for the next poll would let it send dropped bytes).
 * Other drops (a cancelled {@code sockSendall} swaps the queue) are {@linkplain #checkDropped found}
 * at the next turn. The buffers a send was written from stay referenced here until its completion
 * (or, once the socket closes, in {@link Orphans}), so the memory the kernel reads is never freed
 * under it.
 *
 * <p>The kernel reads only native memory: a heap buffer at the head of the queue is copied to a
 * staging buffer of this socket's (made the first time one shows up), and a gathering send stops
 * before the first heap buffer.
 *
 * <p>Loop thread only.
 */
final class Sender {

  private static final int MSG_FLAGS = Sockets.MSG_NOSIGNAL;

  /** The most buffers one SENDMSG gathers. */
  static final int MAX_IOVECS = 64;

  /** How much of a heap buffer one send copies and sends at most. */
  static final int STAGING_SIZE = 64 * 1024;

  private static final long MSGHDR_SIZE = IoVecs.MSGHDR.byteSize();
  private static final long IOVEC_SIZE = IoVecs.IOVEC.byteSize();
  private static final long MSG_IOV = IoVecs.MSGHDR.byteOffset(groupElement("msg_iov"));
  private static final long MSG_IOVLEN = IoVecs.MSGHDR.byteOffset(groupElement("msg_iovlen"));
  private static final long IOV_BASE = IoVecs.IOVEC.byteOffset(groupElement("iov_base"));
  private static final long IOV_LEN = IoVecs.IOVEC.byteOffset(groupElement("iov_len"));

  private final IoUringSocket socket;
  private WriteQueue queue;
  /** The queue the send in flight was taken from (the engine may hand over a new one meanwhile). */
  private WriteQueue inFlightQueue;
  private boolean inFlight;
  private long inFlightBytes;
  private boolean dropped;
  private ByteBuffer staging;

  /** The buffers the send in flight reads ({@link #inFlightCount} of them), kept alive for it. */
  private ByteBuffer[] inFlightBuffers = new ByteBuffer[1];
  private int inFlightCount;

  /** Whether the backend's list of senders to {@link #checkDropped check} holds this one. */
  boolean listed;

  Sender(IoUringSocket socket) {
    this.socket = socket;
  }

  /** The engine queued bytes: send them from the next poll on, until the queue is empty. */
  void flush(WriteQueue queue) {
    this.queue = queue;
    if (!inFlight) {
      socket.backend().schedule(socket);
    }
  }

  boolean isInFlight() {
    return inFlight;
  }

  /** Submission phase: one send from the head of the queue, unless one is in flight. */
  void submit() {
    WriteQueue q = queue;
    if (q == null || inFlight) {
      return;
    }
    if (q.isEmpty()) {
      queue = null;
      return;
    }
    ByteBuffer[] buffers = q.buffers();
    int direct = 0;
    while (direct < q.count() && direct < MAX_IOVECS && buffers[direct].isDirect()) {
      direct++;
    }
    if (direct == 0) {
      inFlightBytes = sendStaged(buffers[0]);
      keep(staging, 0);
      inFlightCount = 1;
    } else if (direct == 1) {
      inFlightBytes = buffers[0].remaining();
      send(address(buffers[0]), buffers[0].remaining());
      keep(buffers[0], 0);
      inFlightCount = 1;
    } else {
      inFlightBytes = sendGathered(buffers, direct);
      for (int i = 0; i < direct; i++) {
        keep(buffers[i], i);
      }
      inFlightCount = direct;
    }
    inFlight = true;
    inFlightQueue = q;
    socket.backend().sending(this);
  }

  private void keep(ByteBuffer buffer, int at) {
    if (at == inFlightBuffers.length) {
      inFlightBuffers = Arrays.copyOf(inFlightBuffers, MAX_IOVECS);
    }
    inFlightBuffers[at] = buffer;
  }

  /** Lets go of the buffers of a send that completed. */
  private void release() {
    Arrays.fill(inFlightBuffers, 0, inFlightCount, null);
    inFlightCount = 0;
  }

  /**
   * A copy of the buffers the send in flight reads, for {@link Orphans} to keep until its final
   * completion (the socket is closing); empty if no send is in flight.
   */
  ByteBuffer[] inFlightBuffers() {
    return Arrays.copyOf(inFlightBuffers, inFlight ? inFlightCount : 0);
  }

  /**
   * The engine dropped the queue (abort): queues the cancel of a send in flight from it.
   *
   * @return whether a cancel was queued (the caller then submits it at once)
   */
  boolean cancelDropped() {
    if (!inFlight || dropped || socket.slot < 0 || !droppedUnderneath()) {
      return false;
    }
    dropped = true;
    socket.backend().cancel(socket.slot, UserData.SEND);
    return true;
  }

  /**
   * Once per turn while a send is in flight: if the engine dropped the queue under it (fewer bytes
   * queued than the send is sending), cancels it.
   *
   * @return whether the send is still in flight
   */
  boolean checkDropped() {
    if (!inFlight || socket.slot < 0) {
      return false; // done, or the socket closed (which cancelled it)
    }
    if (!dropped && droppedUnderneath()) {
      dropped = true;
      socket.backend().cancel(socket.slot, UserData.SEND);
    }
    return true;
  }

  /**
   * Whether the bytes in flight are no longer queued: the queue was emptied (abort, a cancelled
   * {@code sockSendall}) or replaced by a new one.
   */
  private boolean droppedUnderneath() {
    return queue == null || queue != inFlightQueue || queue.size() < inFlightBytes;
  }

  private void send(long address, int length) {
    IoUringBackend backend = socket.backend();
    Submitter submitter = backend.submitter();
    long userData = backend.userData(socket.slot, UserData.SEND);
    Sqe.send(submitter.sqes(), submitter.sqe(), socket.fd, address, length, MSG_FLAGS, userData);
  }

  /** The head is a heap buffer: send a copy of (the start of) it; returns the length. */
  private int sendStaged(ByteBuffer head) {
    if (staging == null) {
      staging = ByteBuffer.allocateDirect(STAGING_SIZE);
    }
    int n = Math.min(head.remaining(), STAGING_SIZE);
    staging.put(0, head, head.position(), n); // positions move only when the engine consumes
    send(address(staging), n);
    return n;
  }

  /** A SENDMSG of the first {@code count} buffers, its msghdr and iovecs in the turn's scratch. */
  private long sendGathered(ByteBuffer[] buffers, int count) {
    IoUringBackend backend = socket.backend();
    Submitter submitter = backend.submitter();
    MemorySegment msg = submitter.scratch(MSGHDR_SIZE + IOVEC_SIZE * count);
    long iovecs = msg.address() + MSGHDR_SIZE;
    long total = 0;
    for (int i = 0; i < count; i++) {
      long at = MSGHDR_SIZE + IOVEC_SIZE * i;
      msg.set(JAVA_LONG, at + IOV_BASE, address(buffers[i]));
      msg.set(JAVA_LONG, at + IOV_LEN, buffers[i].remaining());
      total += buffers[i].remaining();
    }
    msg.set(JAVA_LONG, MSG_IOV, iovecs);
    msg.set(JAVA_LONG, MSG_IOVLEN, count);
    long userData = backend.userData(socket.slot, UserData.SEND);
    Sqe.sendmsg(submitter.sqes(), submitter.sqe(), socket.fd, msg.address(), MSG_FLAGS, userData);
    return total;
  }

  /** The send ended: report what moved, and queue the next one if bytes remain. */
  void complete(int res) {
    inFlight = false;
    release();
    if (dropped || droppedUnderneath()) {
      dropped = false; // the engine no longer counts those bytes: nothing to report
      res = -Errno.ECANCELED;
    }
    inFlightQueue = null;
    if (res > 0) {
      socket.stream().onWritten(res);
    } else if (res < 0 && !retryable(-res)) {
      socket.fail(Errno.exception("send", -res));
      return;
    }
    WriteQueue q = queue;
    if (q == null || !socket.isOpen() || socket.isFailed()) {
      return;
    }
    if (q.isEmpty()) {
      queue = null;
    } else {
      socket.backend().schedule(socket);
    }
  }

  /**
   * Errors after which the same bytes are simply sent again: nothing was sent ({@code ECANCELED}:
   * the thread that submitted it exited; a closed socket's completions never get here).
   */
  private static boolean retryable(int errno) {
    return errno == Errno.EAGAIN || errno == Errno.EINTR || errno == Errno.ECANCELED;
  }

  /** Forgets the queue (the socket is closing): the engine recycles its buffers. */
  void clear() {
    queue = null;
  }

  /** The native address of a direct buffer's position. */
  private static long address(ByteBuffer direct) {
    return MemorySegment.ofBuffer(direct).address();
  }
}
