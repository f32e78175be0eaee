package zloop.backend.epoll;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.ConnectHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;
import zloop.posix.AcceptErrors;
import zloop.posix.Errno;
import zloop.posix.IoVecs;

/**
 * A non-blocking socket on the epoll backend, in whichever role the engine gives it: connecting,
 * connected, or listening.
 *
 * <p>Level-triggered readiness, one operation per event: a readable socket gets one {@code recv}, a
 * writable one flushing its queue one {@code sendmsg}, a listening one up to {@link #ACCEPT_BATCH}
 * {@code accept4}s; whatever is left makes the next {@code epoll_wait} report it again, so no
 * connection starves the others. Its epoll interest is recomputed from what it is doing ({@link
 * #interest()}) after each event and after each call that changes it, and epoll is told only when
 * it changed.
 *
 * <p>After a failure has been reported (a reset, a refused connect) the socket wants no more events
 * until it is closed: a level-triggered error would otherwise repeat on every wait.
 *
 * <p>Loop thread only. Handlers are called only from {@link #onEvents} (inside {@code poll}) or
 * from {@link #deliverFailure}, never from one of the {@link SocketHandle} methods, and never after
 * {@link #close()}.
 */
final class EpollSocket extends Registration implements SocketHandle {

  /** Connections accepted per readiness event at most (asyncio accepts a backlog's worth). */
  static final int ACCEPT_BATCH = 128;

  private final EpollBackend backend;
  private final SocketIo io;
  private final int domain;

  private boolean open = true;
  private boolean failed;
  private boolean dispatching;
  private boolean connected;
  private boolean listening;

  private ConnectHandler connecting;
  private AcceptHandler acceptor;
  private StreamHandler stream;
  private boolean reading;
  private boolean eof;
  private WriteQueue flushing;
  private Runnable whenWritable;
  private IOException pendingFailure;

  private SocketAddress local;
  private SocketAddress remote;
  private boolean remoteKnown;

  /**
   * @param remote the peer's address if the socket was accepted ({@code connected}), else ignored
   */
  EpollSocket(EpollBackend backend, int fd, int domain, boolean connected, SocketAddress remote) {
    super(fd);
    this.backend = backend;
    this.io = backend.io();
    this.domain = domain;
    this.connected = connected;
    if (connected) {
      this.remote = remote;
      this.remoteKnown = true;
    }
  }

  // ------------------------------------------------------------------ interest and events

  @Override
  int interest() {
    if (!open || failed) {
      return 0;
    }
    int events = 0;
    if ((reading && !eof) || acceptor != null) {
      events |= Epoll.EPOLLIN;
    }
    if (connecting != null || flushing != null || whenWritable != null) {
      events |= Epoll.EPOLLOUT;
    }
    return events;
  }

  /** Tells epoll about a new interest, unless an event is being handled (it updates at the end). */
  private void interestChanged() {
    if (open && !dispatching) {
      updateInterest();
    }
  }

  private void updateInterest() {
    int r = backend.update(this);
    if (r < 0) {
      // No memory for the registration (ENOMEM, or ENOSPC past max_user_watches): the socket
      // cannot be served. Report it from the next poll, since handlers never run inside calls.
      pendingFailure = Errno.exception("epoll_ctl", -r);
      failed = true;
      backend.update(this); // interest 0 now: leave epoll
      backend.deferFailure(this);
    }
  }

  @Override
  void onEvents(int events) {
    boolean error = (events & (Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0;
    boolean in = error || (events & Epoll.EPOLLIN) != 0;
    boolean out = error || (events & Epoll.EPOLLOUT) != 0;
    dispatching = true;
    try {
      if (connecting != null) {
        if (out) {
          finishConnect();
        }
      } else if (acceptor != null) {
        if (in) {
          acceptBatch();
        }
      } else {
        if (in && reading && !failed) {
          readOnce();
        }
        if (out && open && !failed && flushing != null) {
          flushOnce();
        }
        if (out && open && !failed && whenWritable != null) {
          Runnable r = whenWritable;
          whenWritable = null;
          r.run();
        }
      }
    } finally {
      dispatching = false;
      if (open) {
        updateInterest();
      }
    }
  }

  /** Reports the failure {@link #updateInterest} deferred. Called from {@code poll}. */
  void deliverFailure() {
    IOException e = pendingFailure;
    pendingFailure = null;
    if (open && e != null) {
      report(e);
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
    requireOpen();
    java.util.Objects.requireNonNull(done, "done");
    int r = io.connect(fd, remote, domain);
    // Connected at once (Unix sockets) or in progress (TCP): either way the outcome comes from a
    // later poll, when the socket turns writable, since handlers never run inside this call.
    // (A Unix listener with a full backlog fails at once with EAGAIN; that is thrown.)
    if (r < 0 && r != -Errno.EINPROGRESS) {
      throw Errno.exception("connect", -r);
    }
    connecting = done;
    interestChanged();
  }

  private void finishConnect() {
    int error = io.pendingError(fd);
    ConnectHandler done = connecting;
    connecting = null;
    if (error == 0) {
      connected = true;
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
    if (!open || eof || reading) {
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
  private void readOnce() {
    ByteBuffer target = stream.readBuffer();
    if (!open || !reading) {
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
    requireOpen();
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
    if (!open || queue.isEmpty()) {
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
  public void shutdownOutput() throws IOException {
    requireOpen();
    io.shutdownOutput(fd);
  }

  @Override
  public long sendfileNow(Path file, long position, long count) throws IOException {
    requireOpen();
    if (count <= 0) {
      return 0;
    }
    long n = io.sendfile(fd, file, position, count);
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
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    if (!open) {
      return;
    }
    this.whenWritable = java.util.Objects.requireNonNull(whenWritable, "whenWritable");
    interestChanged();
  }

  // ------------------------------------------------------------------ listening

  @Override
  public void bind(SocketAddress localAddress) throws IOException {
    requireOpen();
    io.bind(fd, localAddress, domain);
  }

  @Override
  public void listen(int backlog) throws IOException {
    requireOpen();
    io.listen(fd, backlog);
    listening = true;
  }

  @Override
  public void startAccepting(AcceptHandler handler) {
    if (!open) {
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
   * Accepts up to {@link #ACCEPT_BATCH} connections. Errors are handled as {@link AcceptErrors}
   * classifies them for every backend: running out of descriptors or memory is reported as
   * exhaustion, so the engine pauses accepting instead of spinning on a listener that stays
   * readable; a connection that died in the backlog is skipped; a broken listener fails once.
   */
  private void acceptBatch() {
    for (int i = 0; i < ACCEPT_BATCH && acceptor != null && open; i++) {
      int accepted = io.accept(fd);
      if (accepted >= 0) {
        acceptor.onAccept(backend.adopt(accepted, domain, io.acceptedPeer()));
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
        fail(Errno.exception("accept4", e)); // it would fail the same way on every wait
      } else {
        acceptor.onAcceptError(
            Errno.exception("accept4", e), action == AcceptErrors.Action.EXHAUSTED);
      }
      return;
    }
  }

  // ------------------------------------------------------------------ NetSocket

  @Override
  public SocketAddress localAddress() {
    if (local != null || !open) {
      return local;
    }
    SocketAddress address = io.localAddress(fd);
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
    if (remoteKnown || !open || !connected) {
      return remote;
    }
    SocketAddress peer = io.peerAddress(fd);
    if (peer != null) {
      remote = peer;
      remoteKnown = true;
    }
    return peer; // null: ENOTCONN, the connection is already gone
  }

  @Override
  public int fd() {
    return open ? fd : -1;
  }

  @Override
  public <T> void setOption(SocketOption<T> option, T value) throws IOException {
    requireOpen();
    io.options().set(fd, option, value);
  }

  @Override
  public <T> T getOption(SocketOption<T> option) throws IOException {
    requireOpen();
    return io.options().get(fd, option);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Leaves epoll, closes the descriptor and frees the slot (its pending events go stale). */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    connecting = null;
    acceptor = null;
    stream = null;
    flushing = null;
    whenWritable = null;
    reading = false;
    backend.release(this);
    int r = io.close(fd);
    if (r < 0) {
      backend.reportError("closing socket " + fd + " failed", Errno.exception("close", -r));
    }
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
    return "EpollSocket[fd=" + fd + (open ? "" : ", closed") + "]";
  }
}
