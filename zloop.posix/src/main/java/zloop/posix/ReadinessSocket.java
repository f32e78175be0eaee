package zloop.posix;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.ConnectHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WatchedFd;
import zloop.engine.spi.WriteQueue;

/**
 * A non-blocking socket on a readiness backend (epoll, kqueue), in whichever role the engine gives
 * it: connecting, connected, or listening. The policy is the same for every poller; only the
 * poller, reached through its {@link ReadinessBackend}, differs.
 *
 * <p>Level-triggered readiness, one operation per event: a readable socket gets one {@code recv}, a
 * writable one flushing its queue one {@code sendmsg}, a listening one up to {@link #ACCEPT_BATCH}
 * {@code accept}s; whatever is left makes the next wait report it again, so no connection starves
 * the others. Its interest is recomputed from what it is doing ({@link #interest()}) after each
 * event and after each call that changes it, and the poller is told only when it changed.
 *
 * <p>After a failure has been reported (a reset, a refused connect) the socket wants no more events
 * until it is closed: a level-triggered error would otherwise repeat on every wait.
 *
 * <p>What is not a read or a write (bind, listen, connect's address, options, addresses,
 * shutdown, sendfile, close) is the shared POSIX core's: a {@link PosixSocket} held by
 * composition, whose {@link PosixSocketHandle} defaults answer those {@code SocketHandle} methods.
 *
 * <p>Loop thread only. Handlers are called only from {@link #onEvents} (inside {@code poll}) or
 * from {@link #deliverFailure}, never from one of the {@link SocketHandle} methods, and never after
 * {@link #close()}.
 */
final class ReadinessSocket extends ReadinessRegistration implements PosixSocketHandle {

  /** Connections accepted per readiness event at most (asyncio accepts a backlog's worth). */
  static final int ACCEPT_BATCH = 128;

  private final ReadinessBackend backend;
  private final ReadinessIo io;
  private final PosixSocket core;

  private boolean failed;
  private boolean dispatching;

  private ConnectHandler connecting;
  private AcceptHandler acceptor;
  private StreamHandler stream;
  private boolean reading;
  private boolean eof;
  private WriteQueue flushing;
  private Runnable whenWritable;
  private IOException pendingFailure;

  ReadinessSocket(ReadinessBackend backend, PosixSocket core) {
    super(core.fd());
    this.backend = backend;
    this.io = backend.io();
    this.core = core;
  }

  // ------------------------------------------------------------------ interest and events

  @Override
  public int interest() {
    if (!core.isOpen() || failed) {
      return 0;
    }
    int events = 0;
    if ((reading && !eof) || acceptor != null) {
      events |= WatchedFd.POLLIN;
    }
    if (connecting != null || flushing != null || whenWritable != null) {
      events |= WatchedFd.POLLOUT;
    }
    return events;
  }

  /** Tells the poller about a new interest, unless an event is being handled (it updates at the end). */
  private void interestChanged() {
    if (core.isOpen() && !dispatching) {
      updateInterest();
    }
  }

  private void updateInterest() {
    int r = backend.update(this);
    if (r < 0) {
      // No memory for the registration (ENOMEM, or ENOSPC past max_user_watches): the socket
      // cannot be served. Report it from the next poll, since handlers never run inside calls.
      failLater(backend.control(), -r);
      backend.update(this); // interest 0 now: leave the poller
    }
  }

  /** A batched change the poller refused: reported from the poll that learnt it. */
  @Override
  public void changeFailed(String call, int errno) {
    if (core.isOpen() && !failed) {
      failLater(call, errno);
    }
  }

  private void failLater(String call, int errno) {
    pendingFailure = Errno.exception(call, errno);
    failed = true;
    backend.deferFailure(this);
  }

  @Override
  public void onEvents(int events, int socketError) {
    boolean error = (events & (WatchedFd.POLLERR | WatchedFd.POLLHUP)) != 0;
    boolean in = error || (events & WatchedFd.POLLIN) != 0;
    boolean out = error || (events & WatchedFd.POLLOUT) != 0;
    dispatching = true;
    try {
      if (connecting != null) {
        if (out) {
          finishConnect(socketError);
        }
      } else if (acceptor != null) {
        if (in) {
          acceptBatch();
        }
      } else {
        if (in && reading && !failed) {
          readOnce(socketError);
        }
        if (out && core.isOpen() && !failed && flushing != null) {
          flushOnce();
        }
        if (out && core.isOpen() && !failed && whenWritable != null) {
          Runnable r = whenWritable;
          whenWritable = null;
          r.run();
        }
      }
    } finally {
      dispatching = false;
      if (core.isOpen()) {
        updateInterest();
      }
    }
  }

  /** Reports the failure {@link #updateInterest} deferred. Called from {@code poll}. */
  void deliverFailure() {
    IOException e = pendingFailure;
    pendingFailure = null;
    if (core.isOpen() && e != null) {
      report(e);
      if (core.isOpen()) {
        updateInterest(); // failed: wants nothing more (no-op where it left the poller already)
      }
    }
  }

  /** Gives a connection failure to whoever is waiting on this socket, and goes quiet. */
  private void fail(IOException e) {
    failed = true;
    report(e);
  }

  private void report(IOException e) {
    if (connecting != null) {
      ConnectHandler h = connecting;
      connecting = null;
      h.onConnect(e);
    } else if (acceptor != null) {
      acceptor.onAcceptError(e, false);
    } else if (stream != null) {
      stream.onError(e);
    }
  }

  // ------------------------------------------------------------------ connecting

  @Override
  public void connect(SocketAddress remote, ConnectHandler done) throws IOException {
    java.util.Objects.requireNonNull(done, "done");
    int r = core.connect(remote);
    connecting = done;
    if (r < 0 && r != -Errno.EINPROGRESS) {
      // Refused at once (a Unix path nobody listens on, a Unix listener with a full backlog):
      // reported through done from the next poll like every other outcome, and nothing after it.
      failed = true;
      pendingFailure = Errno.exception("connect", -r);
      backend.deferFailure(this);
      return;
    }
    // Connected at once (Unix sockets) or in progress (TCP): either way the outcome comes from a
    // later poll, when the socket turns writable, since handlers never run inside this call.
    interestChanged();
  }

  private void finishConnect(int socketError) {
    int error = socketError != 0 ? socketError : core.pendingError();
    ConnectHandler done = connecting;
    connecting = null;
    if (error == 0) {
      core.markConnected();
      done.onConnect(null);
    } else {
      failed = true;
      done.onConnect(
          error > 0
              ? Errno.exception("connect", error)
              : Errno.exception("getsockopt(SO_ERROR)", -error));
    }
  }

  // ------------------------------------------------------------------ reading

  @Override
  public void setStreamHandler(StreamHandler handler) {
    this.stream = handler;
  }

  @Override
  public void startReading() {
    if (!core.isOpen() || eof || reading) {
      return;
    }
    if (stream == null) {
      throw new IllegalStateException("setStreamHandler before startReading");
    }
    reading = true;
    interestChanged();
  }

  @Override
  public void stopReading() {
    if (reading) {
      reading = false;
      interestChanged();
    }
  }

  /**
   * One {@code recv}: into the protocol's buffer if it has one (directly if it is direct, through
   * the receive buffer if not), else into the receive buffer, delivered as a read-only view.
   */
  private void readOnce(int socketError) {
    ByteBuffer target = stream.readBuffer();
    if (!core.isOpen() || !reading) {
      return; // readBuffer() failed the connection: it stopped reading or closed the socket
    }
    if (target != null && !target.hasRemaining()) {
      fail(new IOException("the protocol's read buffer has no room"));
      return;
    }
    long n = target == null ? io.receive(fd) : io.receiveInto(fd, target);
    if (n > 0) {
      if (target == null) {
        stream.onData(io.received((int) n));
      } else {
        stream.onDataInto((int) n);
      }
    } else if (n == 0 && socketError != 0 && socketError != Errno.EPIPE) {
      // The poller took the error out of SO_ERROR (libkqueue reads it to fill fflags), so recv
      // says EOF where the kernel would have said what the event carried (a reset). EPIPE is
      // Linux's error for a reset after the peer's FIN: the FIN came first, so that is an EOF,
      // as recv reports it when the error is still there.
      fail(Errno.exception("recv", socketError));
    } else if (n == 0) {
      eof = true;
      reading = false;
      stream.onEof();
    } else if (n != -Errno.EAGAIN) {
      fail(Errno.exception("recv", (int) -n));
    }
  }

  // ------------------------------------------------------------------ writing

  @Override
  public long writeNow(ByteBuffer[] data, int offset, int count) throws IOException {
    core.requireOpen();
    if (flushing != null && !flushing.isEmpty()) {
      return 0; // bytes queued earlier must go first
    }
    long n = io.send(fd, data, offset, count);
    if (n >= 0) {
      IoVecs.consume(data, offset, count, n);
      return n;
    }
    if (n == -Errno.EAGAIN) {
      return 0;
    }
    throw Errno.exception("sendmsg", (int) -n);
  }

  @Override
  public void flush(WriteQueue queue) {
    if (!core.isOpen() || queue.isEmpty()) {
      return;
    }
    flushing = queue;
    interestChanged();
  }

  /** One {@code sendmsg} from the head of the queue; the engine consumes in {@code onWritten}. */
  private void flushOnce() {
    WriteQueue queue = flushing;
    long n = io.send(fd, queue.buffers(), 0, queue.count());
    if (n > 0) {
      stream.onWritten(n);
    } else if (n < 0 && n != -Errno.EAGAIN) {
      fail(Errno.exception("sendmsg", (int) -n));
      return;
    }
    if (flushing != null && flushing.isEmpty()) {
      flushing = null;
    }
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    if (!core.isOpen()) {
      return;
    }
    this.whenWritable = java.util.Objects.requireNonNull(whenWritable, "whenWritable");
    interestChanged();
  }

  // ------------------------------------------------------------------ listening

  @Override
  public void startAccepting(AcceptHandler handler) {
    if (!core.isOpen()) {
      return;
    }
    acceptor = java.util.Objects.requireNonNull(handler, "handler");
    interestChanged();
  }

  @Override
  public void stopAccepting() {
    if (acceptor != null) {
      acceptor = null;
      interestChanged();
    }
  }

  static {
    AcceptErrors.load(); // accept errors come when descriptors ran out: no class loads then
  }

  /**
   * Accepts up to {@link #ACCEPT_BATCH} connections. Errors are classified and reported by {@link
   * AcceptErrors}, as on every backend: a connection that died in the backlog is skipped; running
   * out of descriptors or memory is reported as exhaustion, so the engine pauses accepting instead
   * of spinning on a listener that stays readable; a broken listener is reported once and never
   * polled again. Either report ends the batch.
   */
  private void acceptBatch() {
    for (int i = 0; i < ACCEPT_BATCH && acceptor != null && core.isOpen(); i++) {
      int accepted = backend.calls().accept(fd);
      if (accepted >= 0) {
        acceptor.onAccept(backend.adopt(accepted, core.family(), backend.calls().acceptedPeer()));
        continue;
      }
      int e = -accepted;
      if (e == Errno.EAGAIN) {
        return; // the backlog is empty: the next readiness event says when it is not
      }
      AcceptErrors.Action action = AcceptErrors.classify(e);
      if (action == AcceptErrors.Action.SKIP) {
        continue;
      }
      if (action == AcceptErrors.Action.LISTENER_BROKEN) {
        failed = true; // it would fail the same way on every wait
      }
      AcceptErrors.report(e, action, acceptor);
      return;
    }
  }

  // ------------------------------------------------------------------ core and closing

  @Override
  public PosixSocket core() {
    return core;
  }

  /** Leaves the poller, closes the descriptor and frees the slot (its pending events go stale). */
  @Override
  public void close() {
    if (!core.markClosed()) {
      return;
    }
    connecting = null;
    acceptor = null;
    stream = null;
    flushing = null;
    whenWritable = null;
    reading = false;
    backend.release(this);
    int r = core.closeDescriptor();
    if (r < 0) {
      backend.reportError("closing socket " + fd + " failed", Errno.exception("close", -r));
    }
  }

  @Override
  public void closeWithBackend() {
    close();
  }

  @Override
  public String toString() {
    return "ReadinessSocket[fd=" + fd + (core.isOpen() ? "" : ", closed") + "]";
  }
}
