package zloop.posix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import zloop.engine.spi.Backend;
import zloop.engine.spi.DatagramHandle;
import zloop.engine.spi.DatagramHandler;

/**
 * A datagram socket of a native backend, the same on every one: readiness comes from the
 * backend's own descriptor watch ({@link Backend#watchFd}: epoll's interest list, io_uring's
 * one-shot poll, kqueue's filters), and the I/O is done here with {@code recvmmsg} (up to {@value
 * DatagramCalls#BATCH} datagrams per call) and {@code sendto}. A backend opens these through {@link
 * DatagramSockets} and adds nothing of its own.
 *
 * <p>Reading: on each readable report, up to {@value #ROUNDS} batches are read; a socket with more
 * waiting is reported readable again at the next poll (every backend's watch is level-triggered),
 * so one busy socket cannot starve the loop. A receive error (an ICMP error queued for a connected
 * socket) goes to {@link DatagramHandler#onError} and reading goes on.
 *
 * <p>Loop thread only.
 */
public final class PosixDatagram implements DatagramHandle {

  /** Batches read per readable report at most. */
  static final int ROUNDS = 4;

  private final DatagramSockets owner;
  private final Backend backend;
  private final DatagramCalls calls;
  private final int fd;
  private final int family;
  private final SocketErrorFdHandler onReady =
      new SocketErrorFdHandler() {
        @Override
        public void onReady(int unusedFd, int readyBits) {
          ready(readyBits, 0);
        }

        @Override
        public void onReady(int unusedFd, int readyBits, int socketError) {
          ready(readyBits, socketError);
        }
      };

  private boolean open = true;
  private int watched;
  private DatagramHandler handler;
  private Runnable readWaiter;
  private Runnable writeWaiter;
  private SocketAddress remote;

  /**
   * A socket error the poller reported with readiness (kqueue's {@code EV_EOF} {@code fflags};
   * libkqueue consumed it from {@code SO_ERROR} to report it), for the next receive: {@code 0} if
   * none.
   */
  private int reportedError;

  PosixDatagram(DatagramSockets owner, Backend backend, DatagramCalls calls, int fd, int family) {
    this.owner = owner;
    this.backend = backend;
    this.calls = calls;
    this.fd = fd;
    this.family = family;
  }

  // ------------------------------------------------------------------ the socket

  @Override
  public SocketAddress localAddress() {
    if (!open) {
      return null;
    }
    SockAddr codec = calls.addresses();
    if (Sockets.getsockname(fd, codec.storage(), codec.capacityLength(), calls.errno()) < 0) {
      return null;
    }
    SocketAddress address = codec.decode();
    if (address instanceof InetSocketAddress inet && inet.getPort() == 0) {
      return null; // not bound yet
    }
    return address;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public int fd() {
    return open ? fd : -1;
  }

  @Override
  public <T> void setOption(SocketOption<T> option, T value) throws IOException {
    requireOpen();
    calls.options().set(fd, option, value);
  }

  @Override
  public <T> T getOption(SocketOption<T> option) throws IOException {
    requireOpen();
    return calls.options().get(fd, option);
  }

  @Override
  public void bind(SocketAddress local) throws IOException {
    requireOpen();
    int length = calls.addresses().encode(local, family);
    Errno.check("bind", Sockets.bind(fd, calls.addresses().storage(), length, calls.errno()));
  }

  @Override
  public void connect(SocketAddress peer) throws IOException {
    requireOpen();
    int length = calls.addresses().encode(peer, family);
    int r = Sockets.connect(fd, calls.addresses().storage(), length, calls.errno());
    if (r < 0) {
      throw DatagramCalls.exception("connect", -r);
    }
    SockAddr codec = calls.addresses();
    remote =
        Sockets.getpeername(fd, codec.storage(), codec.capacityLength(), calls.errno()) < 0
            ? peer
            : codec.decode();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  private void requireOpen() throws SocketException {
    if (!open) {
      throw new SocketException("Socket is closed");
    }
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    handler = null;
    readWaiter = null;
    writeWaiter = null;
    if (watched != 0) {
      watched = 0;
      backend.watchFd(fd, 0, null);
    }
    owner.forget(this);
    Libc.close(fd, calls.errno());
  }

  /** The backend is closing (its watches are gone already): close the descriptor, tell nobody. */
  void closeWithBackend() {
    if (open) {
      open = false;
      handler = null;
      readWaiter = null;
      writeWaiter = null;
      watched = 0;
      Libc.close(fd, calls.errno());
    }
  }

  // ------------------------------------------------------------------ readiness

  /** Keeps the backend's watch in line with what is wanted now. */
  private void updateWatch() {
    if (!open) {
      return;
    }
    int want =
        (handler != null || readWaiter != null ? Backend.READABLE : 0)
            | (writeWaiter != null ? Backend.WRITABLE : 0);
    if (want != watched) {
      backend.watchFd(fd, want, want == 0 ? null : onReady);
      watched = want;
    }
  }

  private void ready(int readyBits, int socketError) {
    if (socketError != 0) {
      reportedError = socketError;
    }
    if ((readyBits & Backend.WRITABLE) != 0 && writeWaiter != null) {
      Runnable r = writeWaiter;
      writeWaiter = null;
      updateWatch();
      r.run();
    }
    if (!open || (readyBits & Backend.READABLE) == 0) {
      return;
    }
    if (readWaiter != null) {
      Runnable r = readWaiter;
      readWaiter = null;
      updateWatch();
      r.run();
    } else if (handler != null) {
      readBatches();
    }
  }

  private void readBatches() {
    int reported = takeReportedError();
    if (reported != 0) {
      handler.onError(DatagramCalls.exception("recvmmsg", reported));
      if (handler == null) {
        return;
      }
    }
    for (int round = 0; round < ROUNDS; round++) {
      int n = calls.receiveBatch(fd);
      if (n == -Errno.EAGAIN) {
        return;
      }
      if (n < 0) {
        handler.onError(DatagramCalls.exception("recvmmsg", -n));
      } else {
        for (int i = 0; i < n; i++) {
          if (handler == null) {
            return; // stopped or closed during the batch: only to close, nothing more is wanted
          }
          deliver(i);
        }
        if (n < DatagramCalls.BATCH) {
          return; // the queue is empty: no need for a call that says EAGAIN
        }
      }
      if (handler == null) {
        return;
      }
    }
  }

  private int takeReportedError() {
    int e = reportedError;
    reportedError = 0;
    return e;
  }

  private void deliver(int slot) {
    if (calls.truncated(slot)) {
      handler.onError(DatagramCalls.truncation(DatagramCalls.SLOT_SIZE));
      return;
    }
    handler.onDatagram(calls.data(slot), calls.sender(slot));
  }

  // ------------------------------------------------------------------ receiving

  @Override
  public void startReading(DatagramHandler newHandler) {
    handler = java.util.Objects.requireNonNull(newHandler, "handler");
    updateWatch();
  }

  @Override
  public void stopReading() {
    handler = null;
    updateWatch();
  }

  @Override
  public int receiveNow(ByteBuffer into) throws IOException {
    requireOpen();
    int reported = takeReportedError();
    if (reported != 0) {
      throw DatagramCalls.exception("recvfrom", reported);
    }
    long n = calls.receiveFrom(fd, into);
    if (n == -Errno.EAGAIN) {
      return -1;
    }
    if (n < 0) {
      throw DatagramCalls.exception("recvfrom", (int) -n);
    }
    return (int) n;
  }

  @Override
  public SocketAddress lastSender() {
    return calls.lastSender();
  }

  @Override
  public void awaitReadable(Runnable whenReadable) {
    readWaiter = java.util.Objects.requireNonNull(whenReadable, "whenReadable");
    updateWatch();
  }

  // ------------------------------------------------------------------ sending

  @Override
  public boolean sendNow(ByteBuffer data, SocketAddress target) throws IOException {
    requireOpen();
    long n = calls.sendTo(fd, family, data, target);
    if (n >= 0) {
      data.position(data.limit());
      return true;
    }
    if (n == -Errno.EAGAIN || n == -Errno.ENOBUFS) {
      return false; // ENOBUFS: the device queue is full for now, as full as a send buffer
    }
    throw DatagramCalls.exception("sendto", (int) -n);
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    writeWaiter = java.util.Objects.requireNonNull(whenWritable, "whenWritable");
    updateWatch();
  }

  @Override
  public String toString() {
    return "PosixDatagram[fd=" + fd + (open ? "" : ", closed") + "]";
  }
}
