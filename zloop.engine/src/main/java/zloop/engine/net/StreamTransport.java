package zloop.engine.net;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.List;
import zloop.BaseProtocol;
import zloop.ExceptionContext;
import zloop.Transport;
import zloop.WriteBufferLimits;
import zloop.engine.jfr.ConnectionEvents;
import zloop.engine.Loop;
import zloop.engine.LoopHandle;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;
import zloop.internal.transport.AppProtocolCaller;
import zloop.internal.transport.ProtocolFailures;
import zloop.internal.transport.WriteFlowControl;

/**
 * A stream connection: the transport semantics, written once for every backend. It buffers what
 * the kernel does not take, pauses and resumes the protocol at the watermarks, closes gracefully
 * (flush, then close) or at once (abort), and always reports the end with {@code connectionLost}
 * on a later turn. The backend only moves bytes and reports events ({@link StreamHandler}).
 *
 * <p>Protocol methods are called through {@link AppProtocolCaller} (shared with the TLS layer)
 * under the loop's guard rule: whatever one throws, short of a {@link VirtualMachineError}, is
 * handled here ({@link ProtocolFailures}). Write flow control is {@link WriteFlowControl}, also
 * shared with TLS.
 *
 * <h2>State</h2>
 *
 * The connection's life is one {@link Lifecycle} value, changed only through {@link #moveTo},
 * which refuses a transition the table does not allow. Independent of it: the write side's {@link
 * WriteEnd} (half-close), the peer's end of stream, the application's reading pause, and whether
 * a sendfile owns the socket. {@link #toString()} shows them all.
 *
 * <p>Loop thread only.
 */
public final class StreamTransport implements Transport, StreamHandler, ProtocolFailures {
  /** After this many writes to a lost connection, each further one is logged (asyncio's rule). */
  private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

  /**
   * A plain {@link zloop.Protocol} of the engine's own (the streams' reader) that sometimes has a
   * buffer the next read may go straight into: a caller's {@code readInto} buffer while that read
   * waits and nothing is buffered before it. Asked only on a backend that writes into the buffer
   * during the asking read alone ({@link SocketHandle#readsOnlyWhenAsked()}), so the buffer is
   * never in the kernel's hands while its owner may take it back.
   */
  public interface ReadLender {
    /** The buffer the next read may fill from its position, or {@code null} for the usual path. */
    ByteBuffer lendReadTarget();

    /** {@code n > 0} bytes were read into the buffer the last {@link #lendReadTarget} returned. */
    void lentTargetFilled(int n);
  }

  /** The connection's life, in order; see {@link #allows}. */
  enum Lifecycle {
    /** Reading and writing. */
    OPEN,
    /** {@code close()} was called: reading stopped, the buffer is being sent. */
    CLOSING,
    /**
     * {@code connectionLost} is scheduled (buffer sent, aborted or failed): nothing more is sent
     * or delivered, writes are dropped and counted.
     */
    ENDING,
    /** {@code connectionLost} ran and the socket is closed. */
    CLOSED;

    /** The allowed transitions: forward only, CLOSING skipped by an abort or a failure. */
    boolean allows(Lifecycle next) {
      return switch (this) {
        case OPEN -> next == CLOSING || next == ENDING;
        case CLOSING -> next == ENDING;
        case ENDING -> next == CLOSED;
        case CLOSED -> false;
      };
    }
  }

  /** The write side, asyncio's {@code write_eof}: not a lifecycle step (close() may follow it). */
  enum WriteEnd {
    OPEN,
    /** {@code writeEof()} was called: the socket's output shuts once the buffer is sent. */
    EOF_REQUESTED,
    /** The socket's output is shut down. */
    EOF_SENT
  }

  private final Loop loop;
  private final SocketHandle socket;
  private final ServerImpl server;
  private final WriteQueue queue = new WriteQueue();
  private final ChunkPool chunks;
  private final Object sockname;
  private final Object peername;
  private final ByteBuffer[] single = new ByteBuffer[1];
  /** The {@code "socket"} extra info: made on first use, or the user's socket this one adopted. */
  private UserSocket exposed;

  private final AppProtocolCaller app = new AppProtocolCaller(this);
  /** The plain protocol if it can lend a buffer for the next read, on a backend where that is safe. */
  private ReadLender lender;
  private final WriteFlowControl flow = new WriteFlowControl(app);

  private Lifecycle state = Lifecycle.OPEN;
  private WriteEnd writeEnd = WriteEnd.OPEN;
  /** The peer ended its side (read side; independent of the lifecycle). */
  private boolean eofReceived;
  /** The application paused reading. */
  private boolean readingPaused;
  /** Writes dropped since the connection was lost (asyncio's {@code _conn_lost} count). */
  private int writesAfterLost;
  private Runnable onDrained;
  private boolean sendfileActive;
  /** Writes made while a sendfile runs: they go out after the file. */
  private final WriteQueue held = new WriteQueue();
  /** Chunks of an aborted queue: a completion backend may still be sending from them. */
  private final java.util.ArrayList<ByteBuffer> abandoned = new java.util.ArrayList<>();

  StreamTransport(Loop loop, SocketHandle socket, BaseProtocol protocol, ServerImpl server) {
    this.loop = loop;
    this.socket = socket;
    this.server = server;
    this.chunks = loop.chunkPool();
    setProtocol(protocol);
    this.sockname = safeLocal(socket);
    this.peername = safeRemote(socket);
    socket.setStreamHandler(this);
    loop.transports().add(socket.fd(), this);
  }

  private static Object safeLocal(SocketHandle s) {
    try {
      return s.localAddress();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Object safeRemote(SocketHandle s) {
    try {
      return s.remoteAddress();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Schedules {@code connectionMade}, then reading, then {@code onStarted}, in that order on the
   * next turn (asyncio's order: the protocol hears of the connection before any data, and the
   * caller's future completes last).
   *
   * <p>If {@code connectionMade} throws, the exception goes to the exception handler and nothing
   * else changes (asyncio's rule: there it is a plain callback): the transport stays open,
   * reading starts, the caller's future completes; closing it is the application's call.
   */
  void start(Runnable onStarted) {
    if (sockname instanceof java.net.InetSocketAddress) {
      try {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      } catch (IOException | UnsupportedOperationException e) {
        // TCP_NODELAY is an optimisation; a socket that refuses it still works
      }
    }
    ConnectionEvents.opened(loop.backendName(), sockname, peername, server != null);
    loop.scheduleInternal(
        new LoopHandle(
            () -> {
              app.connectionMade(this, false);
              if (state == Lifecycle.OPEN && !readingPaused) {
                socket.startReading();
              }
              if (onStarted != null) {
                onStarted.run();
              }
            }));
  }

  // ------------------------------------------------------------------ protocol

  @Override
  public void setProtocol(BaseProtocol newProtocol) {
    boolean replacing = app.protocol() != null;
    app.set(newProtocol);
    lender =
        newProtocol instanceof ReadLender l && !app.isBuffered() && socket.readsOnlyWhenAsked()
            ? l
            : null;
    if (replacing) {
      socket.readTargetChanged(); // a read into the old protocol's buffer must not reach this one
    }
  }

  @Override
  public BaseProtocol getProtocol() {
    return app.protocol();
  }

  // ------------------------------------------------------------------ reading (backend events)

  @Override
  public ByteBuffer readBuffer() {
    if (state != Lifecycle.OPEN) {
      return null;
    }
    if (!app.isBuffered()) {
      return lender == null ? null : lender.lendReadTarget();
    }
    return app.getBuffer(-1); // null if it failed: the connection is ending
  }

  @Override
  public void onData(ByteBuffer data) {
    if (state != Lifecycle.OPEN) {
      return; // aborted or failed meanwhile: nobody wants these bytes
    }
    if (app.isBuffered()) {
      // A buffered protocol's getBuffer failed inside readBuffer(); we are closing already.
      return;
    }
    app.dataReceived(data);
  }

  @Override
  public void onDataInto(int n) {
    if (state != Lifecycle.OPEN) {
      return;
    }
    if (app.isBuffered()) {
      app.bufferUpdated(n);
    } else if (lender != null) {
      try {
        lender.lentTargetFilled(n);
      } catch (Throwable t) {
        fatal("Fatal error: protocol.dataReceived() call failed.", AppProtocolCaller.survivable(t));
      }
    }
  }

  @Override
  public void onEof() {
    eofReceived = true;
    if (state != Lifecycle.OPEN) {
      return;
    }
    if (!app.eofReceived()) {
      close();
    }
  }

  @Override
  public void onError(IOException failure) {
    fatal("Fatal error on transport", failure);
  }

  // ------------------------------------------------------------------ reading (user side)

  @Override
  public boolean isReading() {
    return !readingPaused && state == Lifecycle.OPEN;
  }

  @Override
  public void pauseReading() {
    loop.checkThread();
    if (state != Lifecycle.OPEN || readingPaused) {
      return;
    }
    readingPaused = true;
    socket.stopReading();
  }

  @Override
  public void resumeReading() {
    loop.checkThread();
    if (state != Lifecycle.OPEN || !readingPaused) {
      return;
    }
    readingPaused = false;
    if (!eofReceived) {
      socket.startReading();
    }
  }

  // ------------------------------------------------------------------ writing

  @Override
  public void write(ByteBuffer data) {
    single[0] = data;
    try {
      writeAll(single, 1);
    } finally {
      single[0] = null;
    }
  }

  @Override
  public void writeLines(List<ByteBuffer> data) {
    ByteBuffer[] all = data.toArray(new ByteBuffer[0]);
    writeAll(all, all.length);
  }

  /**
   * Both writes: try the kernel at once when nothing is queued (one gathering write), then copy
   * what it did not take into the queue, so the caller's buffers are free again on return.
   */
  private void writeAll(ByteBuffer[] buffers, int count) {
    loop.checkThread();
    long total = 0;
    for (int i = 0; i < count; i++) {
      total += buffers[i].remaining();
    }
    if (!checkWritable(total > 0)) {
      for (int i = 0; i < count; i++) {
        buffers[i].position(buffers[i].limit());
      }
      return;
    }
    if (sendfileActive) {
      for (int i = 0; i < count; i++) {
        held.add(copyOf(buffers[i])); // after the file, in order
      }
      flow.maybePause(getWriteBufferSize());
      return;
    }
    boolean wasEmpty = queue.isEmpty();
    if (wasEmpty && !writeDirect(buffers, 0, count)) {
      return;
    }
    for (int i = 0; i < count; i++) {
      enqueue(buffers[i]); // what the kernel did not take (nothing, for a drained buffer)
    }
    if (wasEmpty && !queue.isEmpty()) {
      socket.flush(queue);
    }
    flow.maybePause(getWriteBufferSize());
  }

  /** asyncio's checks before a write; false means drop the bytes silently (connection lost). */
  private boolean checkWritable(boolean hasBytes) {
    if (writeEnd != WriteEnd.OPEN) {
      throw new IllegalStateException("Cannot call write() after writeEof()");
    }
    if (!hasBytes) {
      return false;
    }
    if (isLost()) {
      if (++writesAfterLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
        loop.errors().warn("socket.send() raised exception: the connection is lost");
      }
      return false;
    }
    return true;
  }

  /** Tries the kernel at once; false if the connection failed (already handled). */
  private boolean writeDirect(ByteBuffer[] buffers, int offset, int count) {
    try {
      socket.writeNow(buffers, offset, count); // ASYNC_ONLY leaves the buffers untouched
      return true;
    } catch (IOException e) {
      fatal("Fatal write error on socket transport", e);
      return false;
    }
  }

  private static ByteBuffer copyOf(ByteBuffer data) {
    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
    copy.put(data).flip();
    return copy;
  }

  /** Copies the rest of {@code data} into the queue, so the caller's buffer is free again. */
  private void enqueue(ByteBuffer data) {
    ByteBuffer tail = queue.last();
    if (tail != null && tail.limit() < tail.capacity() && data.hasRemaining()) {
      // Bytes past the tail's limit are invisible to a send already in flight: safe to append.
      queue.grewBy(copyInto(tail, data));
    }
    while (data.hasRemaining()) {
      ByteBuffer chunk = chunks.take();
      copyInto(chunk, data);
      queue.add(chunk);
    }
  }

  /** Appends as much of {@code src} as fits after {@code chunk}'s limit; returns the count. */
  private static int copyInto(ByteBuffer chunk, ByteBuffer src) {
    int n = Math.min(chunk.capacity() - chunk.limit(), src.remaining());
    int at = chunk.limit();
    chunk.limit(at + n);
    chunk.put(at, src, src.position(), n);
    src.position(src.position() + n);
    return n;
  }

  @Override
  public void onWritten(long n) {
    if (isLost()) {
      return; // aborted: the queue was dropped, a send that was in flight no longer matters
    }
    queue.consume(n, chunks.giveBack);
    flow.maybeResume(getWriteBufferSize());
    if (queue.isEmpty()) {
      drained();
    }
  }

  private void drained() {
    Runnable r = onDrained;
    if (r != null) {
      onDrained = null;
      r.run();
    }
    if (sendfileActive) {
      return; // sendfile owns the socket until it ends
    }
    if (state == Lifecycle.CLOSING) {
      scheduleConnectionLost(null);
    } else if (state == Lifecycle.OPEN && writeEnd == WriteEnd.EOF_REQUESTED) {
      shutdownOutput();
    }
  }

  @Override
  public boolean canWriteEof() {
    return true;
  }

  @Override
  public void writeEof() {
    loop.checkThread();
    if (state != Lifecycle.OPEN || writeEnd != WriteEnd.OPEN) {
      return;
    }
    writeEnd = WriteEnd.EOF_REQUESTED;
    if (queue.isEmpty() && !sendfileActive) {
      shutdownOutput();
    }
  }

  private void shutdownOutput() {
    writeEnd = WriteEnd.EOF_SENT;
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      fatal("Fatal error on shutdown", e);
    }
  }

  @Override
  public long getWriteBufferSize() {
    return queue.size() + held.size();
  }

  @Override
  public WriteBufferLimits getWriteBufferLimits() {
    return flow.limits();
  }

  @Override
  public void setWriteBufferLimits(WriteBufferLimits limits) {
    flow.setLimits(limits);
    flow.update(getWriteBufferSize());
  }

  // ------------------------------------------------------------------ closing

  @Override
  public boolean isClosing() {
    return state != Lifecycle.OPEN;
  }

  @Override
  public void close() {
    loop.checkThread();
    if (state != Lifecycle.OPEN) {
      return;
    }
    moveTo(Lifecycle.CLOSING);
    socket.stopReading();
    if (queue.isEmpty() && !sendfileActive) {
      scheduleConnectionLost(null);
    }
  }

  @Override
  public void abort() {
    loop.checkThread();
    forceClose(null);
  }

  private void forceClose(Throwable reason) {
    if (isLost()) {
      return;
    }
    queue.clear(abandoned::add); // recycled only once the socket is closed (sends may be in flight)
    socket.writesDropped(); // a send in flight stops now, not at the next poll
    held.clear(b -> {});
    if (state == Lifecycle.OPEN) {
      socket.stopReading();
    }
    scheduleConnectionLost(reason);
  }

  /** OPEN or CLOSING to ENDING: the one place that schedules {@code connectionLost}. */
  private void scheduleConnectionLost(Throwable reason) {
    moveTo(Lifecycle.ENDING);
    loop.scheduleInternal(new LoopHandle(() -> callConnectionLost(reason)));
  }

  private void callConnectionLost(Throwable reason) {
    moveTo(Lifecycle.CLOSED);
    ConnectionEvents.closed(loop.backendName(), sockname, peername, reason);
    try {
      app.connectionLost(reason);
    } finally {
      loop.transports().remove(socket.fd(), this);
      socket.close();
      queue.clear(chunks.giveBack);
      held.clear(b -> {});
      abandoned.forEach(chunks.giveBack);
      abandoned.clear();
      if (server != null) {
        server.detach(this);
      }
      Runnable r = onDrained;
      onDrained = null;
      if (r != null) {
        r.run(); // a sendfile waiting for the buffer learns the connection is gone
      }
    }
  }

  /**
   * asyncio's {@code _fatal_error}: OS-level failures (resets, broken pipes) are routine and only
   * close the connection; anything else is also reported to the exception handler.
   */
  @Override
  public void fatal(String message, Throwable failure) {
    if (!(failure instanceof IOException)) {
      report(message, failure);
    }
    forceClose(failure);
  }

  @Override
  public void report(String message, Throwable failure) {
    loop.callExceptionHandler(
        new ExceptionContext(message, failure, null, null, this, app.protocol()));
  }

  /** Changes the lifecycle, refusing what {@link Lifecycle#allows} does not. */
  private void moveTo(Lifecycle next) {
    if (!state.allows(next)) {
      throw new IllegalStateException(
          "StreamTransport: illegal transition " + state + " -> " + next + " in " + this);
    }
    state = next;
  }

  /** The lifecycle, for tests and debugging. */
  Lifecycle state() {
    return state;
  }

  // ------------------------------------------------------------------ for sendfile

  SocketHandle socket() {
    return socket;
  }

  Loop loop() {
    return loop;
  }

  /** Whether {@code connectionLost} is scheduled or done: nothing more is sent. */
  boolean isLost() {
    return state == Lifecycle.ENDING || state == Lifecycle.CLOSED;
  }

  /** Runs {@code action} once the write buffer is empty (at once if it is). */
  void whenDrained(Runnable action) {
    if (queue.isEmpty()) {
      action.run();
    } else {
      onDrained = action;
    }
  }

  /**
   * Runs {@code action} if the connection is lost before the buffer drains again ({@code null}: no
   * longer): a sendfile waiting for a full socket learns of a close that drops the socket's own
   * wake-up.
   */
  void whenLost(Runnable action) {
    onDrained = action;
  }

  void setSendfileActive(boolean active) {
    sendfileActive = active;
    if (!active && !held.isEmpty() && !isLost()) {
      ByteBuffer[] later = java.util.Arrays.copyOf(held.buffers(), held.count());
      held.clear(b -> {});
      for (ByteBuffer b : later) {
        enqueue(b);
      }
      socket.flush(queue);
      return; // drained() finishes a pending close or writeEof once these are out
    }
    if (!active) {
      if (queue.isEmpty()) {
        if (state == Lifecycle.CLOSING) {
          scheduleConnectionLost(null);
        } else if (state == Lifecycle.OPEN && writeEnd == WriteEnd.EOF_REQUESTED) {
          shutdownOutput();
        }
      }
    }
  }

  /** Writes for sendfile's copy fallback, bypassing the sendfile-in-progress check. */
  void writeInternal(ByteBuffer data) {
    enqueue(data);
    socket.flush(queue);
  }

  long queuedBytes() {
    return queue.size();
  }

  void failFromSendfile(IOException e) {
    fatal("Fatal error during sendfile", e);
  }

  // ------------------------------------------------------------------ info

  /** The user's socket this transport was made from takes this transport as its owner. */
  void adopt(UserSocket given) {
    given.ownedBy(this);
    exposed = given;
  }

  private UserSocket exposed() {
    if (exposed == null) {
      exposed = new UserSocket(loop, socket);
      exposed.ownedBy(this);
    }
    return exposed;
  }

  @Override
  public Object getExtraInfo(String name) {
    return switch (name) {
      case "sockname" -> sockname;
      case "peername" -> peername;
      case "socket" -> exposed();
      case "backend" -> loop.backendName();
      default -> null;
    };
  }

  @Override
  public String toString() {
    return "StreamTransport["
        + sockname
        + " -> "
        + peername
        + ", "
        + state
        + (writeEnd != WriteEnd.OPEN ? ", write " + writeEnd : "")
        + (eofReceived ? ", eof received" : "")
        + (readingPaused ? ", reading paused" : "")
        + (flow.isPaused() ? ", writing paused" : "")
        + (sendfileActive ? ", sendfile" : "")
        + "]";
  }
}
