package zloop.backend.iouring;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import zloop.engine.spi.StreamHandler;
import zloop.posix.Errno;

/**
 * The read side of one stream socket: which RECV is in flight, and what arrived while the engine
 * was not reading.
 *
 * <p>Each time a receive is armed, {@link StreamHandler#readBuffer()} chooses how:
 *
 * <ul>
 *   <li>{@code null}: a multishot RECV from the provided-buffer ring, armed again only when the
 *       kernel ends it (no {@code IORING_CQE_F_MORE}). Each completion is delivered as a read-only
 *       view of the kernel's buffer, which goes back to the ring as soon as the delivery returns.
 *       With receive bundles (Linux 6.10) one completion may carry several buffers: those side by
 *       side in memory go out as one view, so a 100 KiB message is usually one delivery.
 *   <li>a direct buffer (a {@code BufferedProtocol}'s): one RECV straight into it, reported with
 *       {@code onDataInto}.
 *   <li>a heap buffer: one RECV into a provided buffer (at most the heap buffer's room), copied
 *       over, reported with {@code onDataInto}.
 * </ul>
 *
 * <p>{@link #stop} cancels the receive in flight (IORING_OP_ASYNC_CANCEL); bytes that complete
 * meanwhile are held (copied out, the provided buffer recycled) and delivered first, in order,
 * when reading starts again, so nothing is lost or reordered. End of stream and read errors that
 * arrive while stopped are held the same way.
 *
 * <p>The buffer a single RECV was armed into belongs to the protocol that lent it. When the engine
 * changes protocols ({@link #retarget}) that RECV is cancelled at once, and whatever it had
 * already received is delivered through the new protocol (asking it for a buffer, like any other
 * delivery), never reported to a protocol that did not lend the buffer.
 *
 * <p>Loop thread only. Handlers run only inside {@code poll}: from {@link #complete}, or from
 * {@link #submit} when held data is delivered.
 */
final class Receiver {

  private final IoUringSocket socket;

  private boolean reading;

  /** End of stream or a failure was delivered: reading is over for good. */
  private boolean ended;

  /** A RECV is in flight. */
  private boolean armed;

  /** The ASYNC_CANCEL for the RECV in flight is on its way. */
  private boolean cancelling;

  /** The protocol's buffer a single RECV in flight fills, or {@code null} for the multishot. */
  private ByteBuffer target;

  /** The protocol that lent {@link #target} was replaced: the RECV in flight is being cancelled. */
  private boolean retargeted;

  // What arrived while the engine was not reading, oldest first: copies of the bytes, then the end
  // of the stream (EOF or a failure).
  private ArrayDeque<ByteBuffer> held;
  private boolean heldEof;
  private IOException heldFailure;

  Receiver(IoUringSocket socket) {
    this.socket = socket;
  }

  /** Starts delivering (held data first, from the next poll). Idempotent. */
  void start() {
    if (reading || ended) {
      return;
    }
    reading = true;
    socket.backend().schedule(socket);
  }

  /** Stops delivering; the RECV in flight is cancelled from the next poll. Idempotent. */
  void stop() {
    if (!reading) {
      return;
    }
    reading = false;
    if (armed) {
      socket.backend().schedule(socket);
    }
  }

  boolean isArmed() {
    return armed;
  }

  /** The protocol's direct buffer the kernel may be writing into now, or {@code null}. */
  ByteBuffer kernelTarget() {
    return armed && target != null && target.isDirect() ? target : null;
  }

  /**
   * The engine's read target changed (a new protocol): a RECV armed for the old protocol's buffer
   * is cancelled now, before the old protocol can reuse that buffer.
   */
  void retarget() {
    if (!armed || target == null || retargeted) {
      return;
    }
    retargeted = true;
    IoUringBackend backend = socket.backend();
    if (!cancelling) {
      cancelling = true;
      backend.cancel(socket.slot, UserData.RECV);
      if (target.isDirect()) {
        backend.submitCancelsNow();
      }
    }
  }

  /**
   * Submission phase: delivers what was held, then arms a RECV or cancels one.
   *
   * <p>The cancel is decided after the delivery: a handler that stops reading again while held data
   * is delivered (a reader whose buffer is full, resumed every turn as its consumer drains it) must
   * not leave the RECV armed, or the kernel keeps receiving and everything lands in {@link #held}.
   */
  int submit() {
    int calls = reading ? deliverHeld() : 0;
    if (!reading) {
      if (armed && !cancelling && socket.isOpen()) {
        socket.backend().cancel(socket.slot, UserData.RECV);
        cancelling = true;
      }
      return calls;
    }
    if (!armed && !streamOver() && socket.isOpen()) {
      arm();
    }
    return calls;
  }

  private void arm() {
    ByteBuffer into = socket.stream().readBuffer();
    if (!reading || !socket.isOpen()) {
      return; // readBuffer() failed the transport, which stopped reading or closed
    }
    IoUringBackend backend = socket.backend();
    Submitter submitter = backend.submitter();
    long userData = backend.userData(socket.slot, UserData.RECV);
    if (into == null) {
      Sqe.recvMultishot(
          submitter.sqes(),
          submitter.sqe(),
          socket.fd,
          BufferRing.GROUP,
          backend.buffers().bundles(),
          userData);
    } else if (!into.hasRemaining()) {
      socket.fail(new IOException("the protocol's read buffer has no room"));
      return;
    } else if (into.isDirect()) {
      long address = MemorySegment.ofBuffer(into).address();
      Sqe.recv(submitter.sqes(), submitter.sqe(), socket.fd, address, into.remaining(), userData);
    } else {
      int length = Math.min(into.remaining(), backend.buffers().bufferSize());
      Sqe.recvSelected(
          submitter.sqes(), submitter.sqe(), socket.fd, length, BufferRing.GROUP, userData);
    }
    target = into;
    armed = true;
  }

  /** A completion of this socket's RECV. */
  void complete(int res, int flags) {
    boolean orphaned = retargeted; // the bytes are not for the protocol that lent the buffer
    if (!Cqe.more(flags)) {
      armed = false;
      cancelling = false;
      retargeted = false;
    }
    int bid = Cqe.bufferId(flags);
    BufferRing buffers = socket.backend().buffers();
    try {
      if (res > 0 && orphaned) {
        // Through the new protocol, as bytes of the backend's own: copied into its buffer.
        ByteBuffer lent = target;
        target = null;
        received(bid >= 0 ? buffers.view(bid, res) : lent.slice(lent.position(), res));
      } else if (res > 0) {
        if (bid >= 0 && res > buffers.bufferSize()) {
          receivedBundle(buffers, bid, res);
        } else if (bid >= 0) {
          received(buffers.view(bid, res));
        } else {
          receivedInto(res);
        }
      } else if (res == 0) {
        end(null);
      } else if (!retryable(-res)) {
        end(Errno.exception("recv", -res));
      }
    } finally {
      if (bid >= 0) {
        // The delivery has returned: nobody looks at those bytes any more.
        buffers.recycleCompleted(bid, res);
      }
      if (!armed) {
        target = null; // the kernel is done with the protocol's buffer
      }
    }
    if (!armed && reading && !streamOver() && socket.isOpen()) {
      if (res == -Errno.ENOBUFS) {
        socket.backend().starved(socket); // armed again once a turn has buffers for it
      } else {
        socket.backend().schedule(socket); // the kernel ended the receive: arm the next one
      }
    }
  }

  /**
   * Errors that end only this RECV, not the stream: a cancel (stop, or the socket closing), the
   * buffer ring running dry (buffers come back as deliveries return), a signal.
   */
  private static boolean retryable(int errno) {
    return errno == Errno.ECANCELED
        || errno == Errno.ENOBUFS
        || errno == Errno.EINTR
        || errno == Errno.EAGAIN;
  }

  /** Bytes in a provided buffer: for the multishot RECV, or staged for a heap buffer. */
  private void received(ByteBuffer data) {
    ByteBuffer into = target; // null for the multishot RECV, which never has a target
    target = null;
    if (!canDeliverNow()) {
      hold(data);
      return;
    }
    if (into != null) {
      // A single RECV for the protocol's heap buffer: copy into the buffer it was armed for.
      int n = Math.min(into.remaining(), data.remaining());
      into.put(into.position(), data, data.position(), n);
      data.position(data.position() + n);
      socket.stream().onDataInto(n);
      if (!data.hasRemaining()) {
        return;
      }
    }
    if (!canDeliverNow() || !offer(data)) {
      hold(data);
    }
  }

  /**
   * A bundle: {@code res} bytes over the buffers the kernel took from {@code bid} on, in ring
   * order. Buffers that sit side by side in memory (the usual case: they are provided in id order)
   * go out as one view, so a large message is one delivery, not one per buffer.
   */
  private void receivedBundle(BufferRing buffers, int bid, int res) {
    int size = buffers.bufferSize();
    int left = res;
    int b = bid;
    while (left > 0) {
      int start = b;
      int run = Math.min(left, size);
      int following = buffers.after(b);
      while (run < left && following == b + 1) {
        b = following;
        run += Math.min(left - run, size);
        following = buffers.after(b);
      }
      left -= run;
      received(buffers.view(start, run));
      b = following;
    }
  }

  /** {@code n} bytes a single RECV put straight into the protocol's direct buffer. */
  private void receivedInto(int n) {
    ByteBuffer into = target;
    target = null;
    if (canDeliverNow()) {
      socket.stream().onDataInto(n);
    } else {
      // Held as a copy: by the time reading starts again the handler may want another buffer.
      hold(into.slice(into.position(), n));
    }
  }

  /**
   * Gives {@code data} to the handler, as a view or copied into the protocol's buffers, asking
   * {@link StreamHandler#readBuffer()} before each piece.
   *
   * @return true if all of it was delivered; false if reading stopped first, with {@code data}'s
   *     position at the first byte not delivered
   */
  private boolean offer(ByteBuffer data) {
    while (data.hasRemaining()) {
      ByteBuffer into = socket.stream().readBuffer();
      if (!canDeliver()) {
        return false;
      }
      if (into == null) {
        socket.stream().onData(data);
        return true;
      }
      int n = Math.min(into.remaining(), data.remaining());
      if (n == 0) {
        socket.fail(new IOException("the protocol's read buffer has no room"));
        return true;
      }
      into.put(into.position(), data, data.position(), n);
      data.position(data.position() + n);
      socket.stream().onDataInto(n);
      if (!canDeliver()) {
        return !data.hasRemaining();
      }
    }
    return true;
  }

  private void end(IOException failure) {
    if (canDeliverNow()) {
      deliverEnd(failure);
    } else if (failure == null) {
      heldEof = true;
    } else {
      heldFailure = failure;
    }
  }

  private void deliverEnd(IOException failure) {
    ended = true;
    reading = false;
    heldEof = false;
    heldFailure = null;
    if (failure == null) {
      socket.stream().onEof();
    } else {
      socket.fail(failure);
    }
  }

  /** Delivers what arrived while stopped, oldest first, until reading stops again. */
  private int deliverHeld() {
    int calls = 0;
    while (held != null && !held.isEmpty() && canDeliver()) {
      calls++;
      if (!offer(held.peekFirst())) {
        break;
      }
      held.pollFirst();
    }
    if (nothingHeld() && canDeliver() && (heldEof || heldFailure != null)) {
      calls++;
      deliverEnd(heldFailure);
    }
    return calls;
  }

  private void hold(ByteBuffer data) {
    if (held == null) {
      held = new ArrayDeque<>();
    }
    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
    copy.put(data).flip();
    held.addLast(copy.asReadOnlyBuffer()); // delivered later through onData: read-only, as always
  }

  /** Nothing is held: news may go straight to the handler without overtaking older news. */
  private boolean nothingHeld() {
    return held == null || held.isEmpty();
  }

  private boolean canDeliver() {
    return reading && socket.isOpen() && socket.stream() != null;
  }

  private boolean canDeliverNow() {
    return canDeliver() && nothingHeld() && !heldEof && heldFailure == null;
  }

  /** The stream ended (delivered or held): no receive is ever armed again. */
  private boolean streamOver() {
    return ended || heldEof || heldFailure != null;
  }

  /** Forgets everything held (the socket is closing); nothing is delivered any more. */
  void clear() {
    reading = false;
    target = null;
    held = null;
  }
}
