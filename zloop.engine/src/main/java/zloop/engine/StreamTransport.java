package zloop.engine;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.List;
import zloop.BaseProtocol;
import zloop.BufferedProtocol;
import zloop.ExceptionContext;
import zloop.Protocol;
import zloop.Transport;
import zloop.WriteBufferLimits;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * A stream connection: the transport semantics, written once for every backend. It buffers what
 * the kernel does not take, pauses and resumes the protocol at the watermarks, closes gracefully
 * (flush, then close) or at once (abort), and always reports the end with {@code connectionLost}
 * on a later turn. The backend only moves bytes and reports events ({@link StreamHandler}).
 *
 * <p>Protocol methods are called under the loop's guard rule ({@link CallbackGuard#survivable}):
 * whatever one throws, short of a {@link VirtualMachineError}, is handled here.
 *
 * <p>Loop thread only.
 */
final class StreamTransport implements Transport, StreamHandler {
  /** After this many writes to a lost connection, each further one is logged (asyncio's rule). */
  private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

  private final Loop loop;
  private final SocketHandle socket;
  private final ServerImpl server;
  private final WriteQueue queue = new WriteQueue();
  private final ChunkPool chunks;
  private final Object sockname;
  private final Object peername;
  private final ByteBuffer[] single = new ByteBuffer[1];

  private BaseProtocol protocol;
  private Protocol plain;
  private BufferedProtocol buffered;

  private WriteBufferLimits limits = WriteBufferLimits.DEFAULT;
  private boolean protocolPaused;
  private boolean readingPaused;
  private boolean closing;
  private boolean eofReceived;
  private boolean eofRequested;
  private boolean eofSent;
  private int connLost;
  private boolean lostCalled;
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
    loop.scheduleInternal(
        new LoopHandle(
            () -> {
              try {
                protocol.connectionMade(this);
              } catch (Throwable t) {
                report("Exception in protocol.connectionMade()", CallbackGuard.survivable(t));
              }
              if (!closing && !readingPaused) {
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
    java.util.Objects.requireNonNull(newProtocol, "protocol");
    if (!(newProtocol instanceof Protocol) && !(newProtocol instanceof BufferedProtocol)) {
      throw new IllegalArgumentException(
          "a stream protocol must implement Protocol or BufferedProtocol: " + newProtocol);
    }
    boolean replacing = protocol != null;
    protocol = newProtocol;
    plain = newProtocol instanceof Protocol p ? p : null;
    buffered = plain == null ? (BufferedProtocol) newProtocol : null;
    if (replacing) {
      socket.readTargetChanged(); // a read into the old protocol's buffer must not reach this one
    }
  }

  @Override
  public BaseProtocol getProtocol() {
    return protocol;
  }

  // ------------------------------------------------------------------ reading (backend events)

  @Override
  public ByteBuffer readBuffer() {
    if (buffered == null || closing) {
      return null;
    }
    ByteBuffer b;
    try {
      b = buffered.getBuffer(-1);
      if (b == null || !b.hasRemaining()) {
        throw new IllegalStateException("getBuffer() returned an empty buffer");
      }
      if (b.isReadOnly()) {
        throw new IllegalStateException("getBuffer() returned a read-only buffer");
      }
    } catch (Throwable t) {
      fatal("Fatal error: protocol.getBuffer() call failed.", CallbackGuard.survivable(t));
      return null;
    }
    return b;
  }

  @Override
  public void onData(ByteBuffer data) {
    if (closing) {
      return; // aborted or failed meanwhile: nobody wants these bytes
    }
    if (plain == null) {
      // A buffered protocol's getBuffer failed inside readBuffer(); we are closing already.
      return;
    }
    try {
      plain.dataReceived(data);
    } catch (Throwable t) {
      fatal("Fatal error: protocol.dataReceived() call failed.", CallbackGuard.survivable(t));
    }
  }

  @Override
  public void onDataInto(int n) {
    if (closing || buffered == null) {
      return;
    }
    try {
      buffered.bufferUpdated(n);
    } catch (Throwable t) {
      fatal("Fatal error: protocol.bufferUpdated() call failed.", CallbackGuard.survivable(t));
    }
  }

  @Override
  public void onEof() {
    eofReceived = true;
    if (closing) {
      return;
    }
    boolean keepOpen;
    try {
      keepOpen = plain != null ? plain.eofReceived() : buffered.eofReceived();
    } catch (Throwable t) {
      fatal("Fatal error: protocol.eofReceived() call failed.", CallbackGuard.survivable(t));
      return;
    }
    if (!keepOpen) {
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
    return !readingPaused && !closing;
  }

  @Override
  public void pauseReading() {
    loop.checkThread();
    if (closing || readingPaused) {
      return;
    }
    readingPaused = true;
    socket.stopReading();
  }

  @Override
  public void resumeReading() {
    loop.checkThread();
    if (closing || !readingPaused) {
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
  public void writelines(List<ByteBuffer> data) {
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
      maybePauseProtocol();
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
    maybePauseProtocol();
  }

  /** asyncio's checks before a write; false means drop the bytes silently (connection lost). */
  private boolean checkWritable(boolean hasBytes) {
    if (eofRequested) {
      throw new IllegalStateException("Cannot call write() after writeEof()");
    }
    if (!hasBytes) {
      return false;
    }
    if (connLost > 0) {
      if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
        loop.errors().warn("socket.send() raised exception: the connection is lost");
      }
      connLost++;
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
    if (connLost > 0) {
      return; // aborted: the queue was dropped, a send that was in flight no longer matters
    }
    queue.consume(n, chunks::give);
    maybeResumeProtocol();
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
    if (closing) {
      if (connLost == 0) {
        scheduleConnectionLost(null);
      }
    } else if (eofRequested && !eofSent) {
      shutdownOutput();
    }
  }

  private void maybePauseProtocol() {
    if (!protocolPaused && getWriteBufferSize() > limits.high()) {
      protocolPaused = true;
      try {
        protocol.pauseWriting();
      } catch (Throwable t) {
        report("protocol.pauseWriting() failed", CallbackGuard.survivable(t));
      }
    }
  }

  private void maybeResumeProtocol() {
    if (protocolPaused && getWriteBufferSize() <= limits.low()) {
      protocolPaused = false;
      try {
        protocol.resumeWriting();
      } catch (Throwable t) {
        report("protocol.resumeWriting() failed", CallbackGuard.survivable(t));
      }
    }
  }

  @Override
  public boolean canWriteEof() {
    return true;
  }

  @Override
  public void writeEof() {
    loop.checkThread();
    if (closing || eofRequested) {
      return;
    }
    eofRequested = true;
    if (queue.isEmpty() && !sendfileActive) {
      shutdownOutput();
    }
  }

  private void shutdownOutput() {
    eofSent = true;
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
    return limits;
  }

  @Override
  public void setWriteBufferLimits(Long high, Long low) {
    limits = WriteBufferLimits.of(high, low);
    maybePauseProtocol();
    maybeResumeProtocol();
  }

  // ------------------------------------------------------------------ closing

  @Override
  public boolean isClosing() {
    return closing;
  }

  @Override
  public void close() {
    loop.checkThread();
    if (closing) {
      return;
    }
    closing = true;
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
    if (connLost > 0) {
      return;
    }
    queue.clear(abandoned::add); // recycled only once the socket is closed (sends may be in flight)
    socket.writesDropped(); // a send in flight stops now, not at the next poll
    held.clear(b -> {});
    if (!closing) {
      closing = true;
      socket.stopReading();
    }
    scheduleConnectionLost(reason);
  }

  private void scheduleConnectionLost(Throwable reason) {
    connLost++;
    loop.scheduleInternal(new LoopHandle(() -> callConnectionLost(reason)));
  }

  private void callConnectionLost(Throwable reason) {
    if (lostCalled) {
      return;
    }
    lostCalled = true;
    try {
      protocol.connectionLost(reason);
    } catch (Throwable t) {
      report("Exception in protocol.connectionLost()", CallbackGuard.survivable(t));
    } finally {
      loop.transports().remove(socket.fd(), this);
      socket.close();
      queue.clear(chunks::give);
      held.clear(b -> {});
      abandoned.forEach(chunks::give);
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
  private void fatal(String message, Throwable failure) {
    if (!(failure instanceof IOException)) {
      report(message, failure);
    }
    forceClose(failure);
  }

  private void report(String message, Throwable failure) {
    loop.callExceptionHandler(new ExceptionContext(message, failure, null, null, this, protocol));
  }

  // ------------------------------------------------------------------ for sendfile

  SocketHandle socket() {
    return socket;
  }

  Loop loop() {
    return loop;
  }

  boolean isLost() {
    return connLost > 0;
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
    if (!active && !held.isEmpty() && connLost == 0) {
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
        if (closing && connLost == 0) {
          scheduleConnectionLost(null);
        } else if (eofRequested && !eofSent && !closing) {
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

  @Override
  public Object getExtraInfo(String name) {
    return switch (name) {
      case "sockname" -> sockname;
      case "peername" -> peername;
      case "socket" -> socket;
      case "backend" -> loop.backendName();
      default -> null;
    };
  }

  @Override
  public String toString() {
    return "StreamTransport[" + sockname + " -> " + peername + (closing ? ", closing" : "") + "]";
  }
}
