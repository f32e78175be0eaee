package zloop.backend.iouring;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.Objects;
import zloop.engine.spi.DatagramHandle;
import zloop.engine.spi.DatagramHandler;
import zloop.posix.DatagramCalls;
import zloop.posix.Errno;
import zloop.posix.PosixDatagram;

/**
 * A datagram socket of the io_uring backend: the posix core does everything but the transport's
 * receiving, which is one multishot RECVMSG from the datagrams' own provided-buffer ring ({@link
 * IoUringDatagrams}). The kernel receives each datagram into a buffer and posts it; it reaches the
 * handler as a read-only view of that buffer's payload, and the buffer goes back to the ring as
 * soon as the handler returns.
 *
 * <p>The receive stays armed while the kernel says so ({@code IORING_CQE_F_MORE}); when it ends
 * (the ring ran dry, {@code ENOBUFS}, while a slow handler held the loop; an ICMP error on a
 * connected socket; a signal) it is armed again from the next poll, after every buffer the
 * completions before it carried came back. An ICMP error goes to {@link DatagramHandler#onError}
 * first; so does a datagram cut for want of room (longer than the buffer's payload, only possible
 * for Unix datagrams), which is dropped.
 *
 * <p>{@link #stopReading} cancels the receive; a datagram the kernel hands over before the cancel
 * lands is dropped (the engine stops only to close, as {@link DatagramHandle#startReading}
 * allows). {@link #close} cancels it at once and keeps this socket's slot until the kernel's last
 * completion of it came, so a buffer that completion carries goes back to the datagrams' ring.
 *
 * <p>Loop thread only; nothing is allocated per datagram.
 */
final class IoUringDatagram extends RingUser implements DatagramHandle {

  private final IoUringBackend backend;
  private final IoUringDatagrams shared;
  private final PosixDatagram core;
  private final int fd;

  private DatagramHandler handler;
  private boolean armed;
  private boolean cancelling;
  private boolean closed;

  /** The receive failed for good (the kernel refuses it here): it is not armed again. */
  private boolean broken;

  IoUringDatagram(IoUringBackend backend, IoUringDatagrams shared, PosixDatagram core) {
    this.backend = backend;
    this.shared = shared;
    this.core = core;
    this.fd = core.fd();
  }

  // ------------------------------------------------------------------ the socket: the posix core's

  @Override
  public SocketAddress localAddress() {
    return core.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return core.remoteAddress();
  }

  @Override
  public int fd() {
    return closed ? -1 : core.fd();
  }

  @Override
  public <T> void setOption(SocketOption<T> option, T value) throws IOException {
    core.setOption(option, value);
  }

  @Override
  public <T> T getOption(SocketOption<T> option) throws IOException {
    return core.getOption(option);
  }

  @Override
  public void bind(SocketAddress local) throws IOException {
    core.bind(local);
  }

  @Override
  public void connect(SocketAddress remote) throws IOException {
    core.connect(remote);
  }

  @Override
  public boolean isOpen() {
    return !closed && core.isOpen();
  }

  @Override
  public int receiveNow(ByteBuffer into) throws IOException {
    return core.receiveNow(into);
  }

  @Override
  public SocketAddress lastSender() {
    return core.lastSender();
  }

  @Override
  public void awaitReadable(Runnable whenReadable) {
    core.awaitReadable(whenReadable);
  }

  @Override
  public boolean sendNow(ByteBuffer data, SocketAddress target) throws IOException {
    return core.sendNow(data, target);
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    core.awaitWritable(whenWritable);
  }

  // ------------------------------------------------------------------ receiving: the multishot

  @Override
  public void startReading(DatagramHandler newHandler) {
    handler = Objects.requireNonNull(newHandler, "handler");
    if (!closed && !armed) {
      backend.schedule(this);
    }
  }

  @Override
  public void stopReading() {
    handler = null;
    cancel();
  }

  private void cancel() {
    if (armed && !cancelling) {
      cancelling = true;
      backend.cancel(slot, UserData.RECV);
    }
  }

  @Override
  int submit() {
    if (handler != null && !armed && !closed && !broken) {
      try {
        shared.ensureRegistered();
      } catch (IOException e) {
        broken = true;
        handler.onError(e);
        return 1;
      }
      Submitter submitter = backend.submitter();
      RecvMsgOut.prepareMultishot(
          submitter.sqes(),
          submitter.sqe(),
          fd,
          shared.msghdrAddress(),
          IoUringDatagrams.GROUP,
          backend.userData(slot, UserData.RECV));
      armed = true;
    }
    return 0;
  }

  @Override
  void complete(int kind, int res, int flags) {
    if (!Cqe.more(flags)) {
      armed = false;
      cancelling = false;
    }
    int bid = Cqe.bufferId(flags);
    try {
      if (handler != null && !closed) {
        if (res >= 0 && bid >= 0) {
          deliver(bid, res);
        } else if (res < 0) {
          failed(-res);
        }
      }
    } finally {
      if (bid >= 0) {
        shared.recycle(bid); // the handler returned: nobody looks at those bytes any more
      }
    }
    if (!armed) {
      if (closed) {
        backend.release(this); // the kernel's last word on this socket: the slot may go
      } else if (handler != null && !broken) {
        backend.schedule(this); // the kernel ended the receive: arm the next one
      }
    }
  }

  private void deliver(int bid, int res) {
    MemorySegment header = shared.header(bid);
    int room = res - IoUringDatagrams.PAYLOAD_OFFSET;
    int length = RecvMsgOut.payloadlen(header);
    if (room < 0) {
      handler.onError(new IOException("io_uring RECVMSG completed with " + res + " bytes, less than its header"));
      return;
    }
    if (length > room || (RecvMsgOut.flags(header) & RecvMsgOut.MSG_TRUNC) != 0) {
      handler.onError(DatagramCalls.truncation(IoUringDatagrams.PAYLOAD_BYTES));
      return;
    }
    handler.onDatagram(shared.payload(bid, length), shared.sender(bid));
  }

  /** The receive ended with {@code errno}; it is armed again unless the kernel refuses it. */
  private void failed(int errno) {
    switch (errno) {
      // The ring ran dry, a cancel (stop, close, the exit of the thread that armed it), a signal:
      // nothing to report, the receive is armed again.
      case Errno.ENOBUFS -> shared.noBufferEnds++;
      case Errno.ECANCELED, Errno.EINTR, Errno.EAGAIN -> {}
      // The kernel refuses this receive: arming it again would fail the same way, every turn.
      case Errno.EINVAL, Errno.EBADF, Errno.EFAULT, Errno.ENOTSOCK, Errno.EOPNOTSUPP -> {
        broken = true;
        handler.onError(DatagramCalls.exception("io_uring RECVMSG", errno));
      }
      // An ICMP error queued for a connected socket (ECONNREFUSED ...): the socket goes on.
      default -> handler.onError(DatagramCalls.exception("recvmsg", errno));
    }
  }

  // ------------------------------------------------------------------ closing

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    handler = null;
    if (armed) {
      cancel();
      // The RECVMSG holds the socket's file: cancel it now, as closing a socket on epoll releases
      // it at once. The slot stays until its last completion (see complete).
      backend.submitCancelsNow();
    } else {
      backend.release(this);
    }
    core.close();
  }

  @Override
  void closeWithBackend() {
    closed = true;
    handler = null;
    // The core is closed by IoUringDatagrams.closeAll; the backend drains what is in flight.
  }

  @Override
  public String toString() {
    return "IoUringDatagram[fd=" + fd + (closed ? ", closed" : armed ? ", receiving" : "") + "]";
  }
}
