package zloop.backend.iouring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.ConnectHandler;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;
import zloop.posix.Errno;
import zloop.posix.PosixSocket;
import zloop.posix.PosixSocketHandle;
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
 * close, sendfile) are plain syscalls, made by the shared POSIX core: a {@link PosixSocket} held by
 * composition, whose {@link PosixSocketHandle} defaults answer those {@code SocketHandle} methods.
 *
 * <p>Closing cancels whatever is in flight and releases the slot, which makes every completion
 * still to come stale: the dispatcher drops it (recycling its provided buffer) before it can reach
 * a handler, even if the kernel has already given the fd number to a new socket.
 *
 * <p>Loop thread only. Handlers are called only from inside {@code poll}, never from one of these
 * methods, and never after {@link #close()}.
 */
final class IoUringSocket extends RingUser implements PosixSocketHandle {

  final int fd;
  private final PosixSocket core;
  private final IoUringBackend backend;
  private final Receiver receiver = new Receiver(this);
  private final Sender sender = new Sender(this);
  private final Acceptor acceptor = new Acceptor(this);

  private boolean failed;
  private StreamHandler stream;

  /** Whether the backend's {@link StarvedReceives} queue holds this socket. */
  boolean starvedQueued;

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

  IoUringSocket(IoUringBackend backend, PosixSocket core) {
    this.backend = backend;
    this.core = core;
    this.fd = core.fd();
  }

  /** The address family, for the sockets this one accepts. */
  int family() {
    return core.family();
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
    if (failed || !core.isOpen()) {
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
    if (!core.isOpen()) {
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
    if (core.isOpen()) {
      sender.submit();
    }
    if (core.isOpen() && whenWritable != null && !pollOutArmed) {
      submitPollOut(UserData.POLL_OUT);
      pollOutArmed = true;
    }
    if (core.isOpen()) {
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
    Objects.requireNonNull(done, "done");
    connectAddress = core.encode(remote); // kept until the CONNECT is written
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
    submitPollOut(UserData.CONNECT);
    connectArmed = true;
  }

  /** A one-shot POLLOUT poll, its completion tagged {@code kind}. */
  private void submitPollOut(int kind) {
    Submitter submitter = backend.submitter();
    Sqe.pollAdd(
        submitter.sqes(), submitter.sqe(), fd, IoUring.POLLOUT, false, backend.userData(slot, kind));
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
      int error = core.pendingError();
      res = error > 0 ? -error : error; // SO_ERROR: 0, or why the connection failed
    }
    ConnectHandler done = connecting;
    connecting = null;
    if (done == null) {
      return;
    }
    if (res == 0) {
      core.markConnected();
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

  /** The kernel keeps a single RECV's buffer until that RECV completes, turns later. */
  @Override
  public boolean readsOnlyWhenAsked() {
    return false;
  }

  /**
   * A RECV armed into the old protocol's buffer is cancelled at once; what it received is
   * delivered through the new protocol.
   */
  @Override
  public void readTargetChanged() {
    if (core.isOpen()) {
      receiver.retarget();
    }
  }

  @Override
  public void startReading() {
    if (!core.isOpen() || failed) {
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
    core.requireOpen();
    return ASYNC_ONLY;
  }

  @Override
  public void flush(WriteQueue queue) {
    if (core.isOpen() && !failed && !queue.isEmpty()) {
      sender.flush(queue);
    }
  }

  /**
   * The engine dropped its queue (abort): a send in flight from it is cancelled before this
   * returns, so the kernel sends nothing more of it.
   */
  @Override
  public void writesDropped() {
    if (core.isOpen() && sender.cancelDropped()) {
      backend.submitCancelsNow();
    }
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    if (!core.isOpen()) {
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
  public void startAccepting(AcceptHandler handler) {
    if (core.isOpen()) {
      acceptor.start(Objects.requireNonNull(handler, "handler"));
    }
  }

  @Override
  public void stopAccepting() {
    acceptor.stop();
  }

  // ------------------------------------------------------------------ core and closing

  @Override
  public PosixSocket core() {
    return core;
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
    if (!core.markClosed()) {
      return;
    }
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
      Sockets.shutdown(fd, Sockets.SHUT_WR, backend.calls().errno());
    }
    acceptor.closeHeld();
    receiver.clear();
    sender.clear();
    stream = null;
    connecting = null;
    whenWritable = null;
    backend.release(this);
    int r = core.closeDescriptor();
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
    if (!core.isOpen()) {
      return;
    }
    try {
      core.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      // a plain close then: the client sees EOF instead of a reset, but is not left hanging
    }
    close();
  }

  @Override
  void closeWithBackend() {
    close();
  }

  @Override
  public String toString() {
    return "IoUringSocket[fd=" + fd + (core.isOpen() ? "" : ", closed") + "]";
  }
}
