package zloop.backend.iouring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.ConnectHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;
import zloop.posix.Errno;
import zloop.posix.Libc;
import zloop.posix.Sockets;

/**
 * A non-blocking socket on the io_uring backend, in whichever role the engine gives it:
 * connecting (IORING_OP_CONNECT), connected ({@link Receiver}, {@link Sender}), or listening
 * ({@link Acceptor}). Waiting for writability is a one-shot POLL_ADD.
 *
 * <p>Every method only records what the engine wants and asks the backend to {@link
 * IoUringBackend#schedule schedule} the socket; the submissions are written in the next poll's
 * submission phase ({@link #submit}) and reach the kernel with that poll's one {@code
 * io_uring_enter}. Calls that are not reads or writes (bind, listen, options, addresses, shutdown,
 * close, sendfile) are plain syscalls.
 *
 * <p>Closing cancels whatever is in flight and releases the slot, which makes every completion
 * still to come stale: the dispatcher drops it (recycling its provided buffer) before it can reach
 * a handler, even if the kernel has already given the fd number to a new socket.
 *
 * <p>Loop thread only. Handlers are called only from inside {@code poll}, never from one of these
 * methods, and never after {@link #close()}.
 */
final class IoUringSocket extends RingUser implements SocketHandle {

  final int fd;
  final int domain;
  private final IoUringBackend backend;
  private final Receiver receiver = new Receiver(this);
  private final Sender sender = new Sender(this);
  private final Acceptor acceptor = new Acceptor(this);

  private boolean open = true;
  private boolean failed;
  private boolean connected;
  private boolean listening;
  private StreamHandler stream;

  private ConnectHandler connecting;
  private byte[] connectAddress;
  private boolean connectArmed;

  /**
   * The CONNECT was cancelled under a connection still in progress (the thread that submitted it
   * exited): its outcome is learned as epoll would, waiting for writability and reading {@code
   * SO_ERROR}.
   */
  private boolean connectByPoll;

  private Runnable whenWritable;
  private boolean pollOutArmed;

  private SocketAddress local;
  private SocketAddress remote;

  /**
   * @param connected whether the socket was accepted
   * @param remote the peer's address if it was accepted (learned at accept time), else null
   */
  IoUringSocket(IoUringBackend backend, int fd, int domain, boolean connected, SocketAddress remote) {
    this.backend = backend;
    this.fd = fd;
    this.domain = domain;
    this.connected = connected;
    this.remote = remote;
  }

  IoUringBackend backend() {
    return backend;
  }

  StreamHandler stream() {
    return stream;
  }

  boolean isFailed() {
    return failed;
  }

  /** A connection failure: reported once to the stream handler, then the socket goes quiet. */
  void fail(IOException failure) {
    if (failed || !open) {
      return;
    }
    failed = true;
    receiver.stop();
    sender.clear();
    if (stream != null) {
      stream.onError(failure);
    }
  }

  // ------------------------------------------------------------------ ring side

  @Override
  int submit() {
    if (!open) {
      return 0;
    }
    if (connecting != null && !connectArmed) {
      if (connectByPoll) {
        submitConnectPoll();
      } else {
        submitConnect();
      }
    }
    int calls = receiver.submit();
    if (open) {
      sender.submit();
    }
    if (open && whenWritable != null && !pollOutArmed) {
      Submitter submitter = backend.submitter();
      Sqe.pollAdd(
          submitter.sqes(),
          submitter.sqe(),
          fd,
          IoUring.POLLOUT,
          false,
          backend.userData(slot, UserData.POLL_OUT));
      pollOutArmed = true;
    }
    if (open) {
      calls += acceptor.submit();
    }
    return calls;
  }

  @Override
  void complete(int kind, int res, int flags) {
    switch (kind) {
      case UserData.RECV -> receiver.complete(res, flags);
      case UserData.SEND -> sender.complete(res);
      case UserData.ACCEPT -> acceptor.complete(res, flags);
      case UserData.CONNECT -> connected(res);
      case UserData.POLL_OUT -> writable();
      default ->
          backend.reportError(
              "io_uring completion of an unexpected kind for a socket; dropped",
              new IllegalStateException(UserData.describe(backend.userData(slot, kind))));
    }
  }

  // ------------------------------------------------------------------ connecting

  @Override
  public void connect(SocketAddress remote, ConnectHandler done) throws IOException {
    requireOpen();
    Objects.requireNonNull(done, "done");
    SyscallBuffers buffers = backend.syscalls();
    int length = buffers.addresses.encode(remote, domain);
    // The codec's storage is shared: keep this address until the CONNECT is written.
    connectAddress = buffers.addresses.storage().asSlice(0, length).toArray(JAVA_BYTE);
    connecting = done;
    backend.schedule(this);
  }

  private void submitConnect() {
    Submitter submitter = backend.submitter();
    MemorySegment address = submitter.scratch(connectAddress.length);
    MemorySegment.copy(connectAddress, 0, address, JAVA_BYTE, 0, connectAddress.length);
    Sqe.connect(
        submitter.sqes(),
        submitter.sqe(),
        fd,
        address.address(),
        connectAddress.length,
        backend.userData(slot, UserData.CONNECT));
    connectAddress = null;
    connectArmed = true;
  }

  /** Waits for the connection in progress to finish: writable, or an error (POLLOUT reports both). */
  private void submitConnectPoll() {
    Submitter submitter = backend.submitter();
    Sqe.pollAdd(
        submitter.sqes(),
        submitter.sqe(),
        fd,
        IoUring.POLLOUT,
        false,
        backend.userData(slot, UserData.CONNECT));
    connectArmed = true;
  }

  private void connected(int res) {
    connectArmed = false;
    if (res == -Errno.ECANCELED && connecting != null) {
      // Not our cancel (a close makes every later completion stale): the kernel cancelled it
      // because the thread that submitted it exited, and the connection goes on in the
      // background. Wait for its outcome instead of reporting a failure nobody had.
      connectByPoll = true;
      backend.schedule(this);
      return;
    }
    if (connectByPoll && res >= 0) {
      int error = backend.syscalls().options.pendingError(fd);
      res = error > 0 ? -error : error; // SO_ERROR: 0, or why the connection failed
    }
    ConnectHandler done = connecting;
    connecting = null;
    if (done == null) {
      return;
    }
    if (res == 0) {
      connected = true;
      done.onConnect(null);
    } else {
      failed = true;
      done.onConnect(Errno.exception("connect", -res));
    }
  }

  // ------------------------------------------------------------------ reading

  @Override
  public void setStreamHandler(StreamHandler handler) {
    this.stream = handler;
  }

  /**
   * A RECV armed into the old protocol's buffer is cancelled at once; what it received is
   * delivered through the new protocol.
   */
  @Override
  public void readTargetChanged() {
    if (open) {
      receiver.retarget();
    }
  }

  @Override
  public void startReading() {
    if (!open || failed) {
      return;
    }
    if (stream == null) {
      throw new IllegalStateException("setStreamHandler before startReading");
    }
    receiver.start();
  }

  @Override
  public void stopReading() {
    receiver.stop();
  }

  // ------------------------------------------------------------------ writing

  /** A completion backend never writes synchronously: the engine queues and calls flush. */
  @Override
  public long writeNow(ByteBuffer[] buffers, int offset, int count) throws IOException {
    requireOpen();
    return ASYNC_ONLY;
  }

  @Override
  public void flush(WriteQueue queue) {
    if (open && !failed && !queue.isEmpty()) {
      sender.flush(queue);
    }
  }

  /**
   * The engine dropped its queue (abort): a send in flight from it is cancelled before this
   * returns, so the kernel sends nothing more of it.
   */
  @Override
  public void writesDropped() {
    if (open && sender.cancelDropped()) {
      backend.submitCancelsNow();
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    requireOpen();
    Errno.check("shutdown", Sockets.shutdown(fd, Sockets.SHUT_WR, backend.syscalls().errno));
  }

  /**
   * {@code sendfile(2)} directly: not a read or write on the ring, and the engine calls it only
   * with nothing queued, so no SEND is in flight to overtake.
   */
  @Override
  public long sendfileNow(Path file, long position, long count) throws IOException {
    requireOpen();
    if (count <= 0) {
      return 0;
    }
    SyscallBuffers buffers = backend.syscalls();
    int in = Libc.open(buffers.path(file), Libc.O_RDONLY | Libc.O_CLOEXEC, buffers.errno);
    if (in < 0) {
      throw Errno.exception("open " + file, -in);
    }
    try {
      long n = Sockets.sendfile(fd, in, buffers.fileOffset(position), count, buffers.errno);
      if (n > 0) {
        return n;
      }
      if (n == -Errno.EAGAIN) {
        return 0;
      }
      if (n == 0) {
        // 0 would mean "socket full" to the caller, who would wait for writability forever.
        throw new EOFException("sendfile: " + file + " ends at or before position " + position);
      }
      throw Errno.exception("sendfile", (int) -n);
    } finally {
      Libc.close(in, buffers.errno); // read-only: nothing to lose if this fails
    }
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    if (!open) {
      return;
    }
    this.whenWritable = Objects.requireNonNull(whenWritable, "whenWritable");
    if (!pollOutArmed) {
      backend.schedule(this);
    }
  }

  private void writable() {
    pollOutArmed = false;
    Runnable r = whenWritable;
    whenWritable = null;
    if (r != null) {
      r.run(); // an error or hang-up wakes it too: the next send or sendfile will say which
    }
  }

  // ------------------------------------------------------------------ listening

  @Override
  public void bind(SocketAddress localAddress) throws IOException {
    requireOpen();
    SyscallBuffers buffers = backend.syscalls();
    int length = buffers.addresses.encode(localAddress, domain);
    Errno.check("bind", Sockets.bind(fd, buffers.addresses.storage(), length, buffers.errno));
  }

  @Override
  public void listen(int backlog) throws IOException {
    requireOpen();
    Errno.check("listen", Sockets.listen(fd, backlog, backend.syscalls().errno));
    listening = true;
  }

  @Override
  public void startAccepting(AcceptHandler handler) {
    if (open) {
      acceptor.start(Objects.requireNonNull(handler, "handler"));
    }
  }

  @Override
  public void stopAccepting() {
    acceptor.stop();
  }

  // ------------------------------------------------------------------ NetSocket

  @Override
  public SocketAddress localAddress() {
    if (local != null || !open) {
      return local;
    }
    SyscallBuffers buffers = backend.syscalls();
    int r =
        Sockets.getsockname(
            fd, buffers.addresses.storage(), buffers.addresses.capacityLength(), buffers.errno);
    if (r < 0) {
      return null;
    }
    SocketAddress address = buffers.addresses.decode();
    if (address instanceof InetSocketAddress inet && inet.getPort() == 0) {
      return null; // not bound yet
    }
    if (connected || listening) {
      local = address; // fixed from now on (a wildcard bind learns its address on connect)
    }
    return address;
  }

  @Override
  public SocketAddress remoteAddress() {
    if (remote != null || !open || !connected) {
      return remote;
    }
    SyscallBuffers buffers = backend.syscalls();
    int r =
        Sockets.getpeername(
            fd, buffers.addresses.storage(), buffers.addresses.capacityLength(), buffers.errno);
    if (r < 0) {
      return null; // ENOTCONN: the connection is already gone
    }
    remote = buffers.addresses.decode();
    return remote;
  }

  @Override
  public int fd() {
    return open ? fd : -1;
  }

  @Override
  public <T> void setOption(SocketOption<T> option, T value) throws IOException {
    requireOpen();
    backend.syscalls().options.set(fd, option, value);
  }

  @Override
  public <T> T getOption(SocketOption<T> option) throws IOException {
    requireOpen();
    return backend.syscalls().options.get(fd, option);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /**
   * Cancels what is in flight, releases the slot (so every later completion is stale) and closes
   * the descriptor. Idempotent.
   *
   * <p>A RECV armed into a protocol's own buffer is cancelled before this returns (the protocol
   * may reuse its buffer as soon as the transport is closed), and the buffer stays referenced
   * until the RECV's final completion, in case the kernel got to it first.
   */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    ByteBuffer lent = receiver.kernelTarget();
    if (lent != null) {
      backend.orphans().pin(backend.userData(slot, UserData.RECV), lent);
    }
    if (sender.isInFlight()) {
      // The engine may recycle or free those buffers now; the kernel reads them until the end.
      backend.orphans().pin(backend.userData(slot, UserData.SEND), sender.inFlightBuffers());
    }
    cancelInFlight();
    if (lent != null) {
      backend.submitCancelsNow();
    }
    if (sender.isInFlight()) {
      // The engine recycles the queue's buffers once the socket is closed. Shutting the write
      // side first makes a SEND the kernel retries before the cancel lands fail with EPIPE
      // instead of sending whatever those buffers hold by then.
      Sockets.shutdown(fd, Sockets.SHUT_WR, backend.syscalls().errno);
    }
    acceptor.closeHeld();
    receiver.clear();
    sender.clear();
    stream = null;
    connecting = null;
    whenWritable = null;
    backend.release(this);
    int r = Libc.close(fd, backend.syscalls().errno);
    if (r < 0) {
      backend.reportError("closing socket " + fd + " failed", Errno.exception("close", -r));
    }
  }

  private void cancelInFlight() {
    if (receiver.isArmed()) {
      backend.cancel(slot, UserData.RECV);
    }
    if (sender.isInFlight()) {
      backend.cancel(slot, UserData.SEND);
    }
    if (acceptor.isArmed()) {
      backend.cancel(slot, UserData.ACCEPT);
    }
    if (connectArmed) {
      backend.cancel(slot, UserData.CONNECT);
    }
    if (pollOutArmed) {
      backend.cancel(slot, UserData.POLL_OUT);
    }
  }

  /** Closes an accepted connection nobody took, with a reset (as a closed listener's backlog). */
  void refuse() {
    if (!open) {
      return;
    }
    try {
      backend.syscalls().options.set(fd, java.net.StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      // a plain close then: the client sees EOF instead of a reset, but is not left hanging
    }
    close();
  }

  @Override
  void closeWithBackend() {
    close();
  }

  private void requireOpen() throws SocketException {
    if (!open) {
      throw new SocketException("Socket is closed");
    }
  }

  @Override
  public String toString() {
    return "IoUringSocket[fd=" + fd + (open ? "" : ", closed") + "]";
  }
}
