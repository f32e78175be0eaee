package zloop.backend.nio;

import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.FileChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import zloop.engine.spi.ChannelSendFile;
import zloop.engine.spi.ConnectHandler;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * The stream role of a {@link NioSocket}: connecting, reading, writing. It holds what the engine
 * asked for (reading, a queue to flush, a writability waiter) and turns it into interest ops; the
 * socket registers them and hands back readiness.
 *
 * <p>Until {@link #attach} gives it a channel it only remembers requests; its I/O methods then
 * throw {@link NotYetConnectedException}. Handlers are called only from {@link #onReady} and
 * {@link #reportConnect}, which the backend calls from {@code poll}, and never once the socket is
 * closed.
 *
 * <p><b>Caveats:</b> the JDK copies a heap buffer whole into a temporary direct buffer before it
 * writes, however little the kernel then takes, so a write offers at most {@link
 * #MAX_HEAP_BYTES_PER_WRITE} bytes of heap buffers (direct buffers go to the kernel as they are).
 * The JDK reports a reset or broken pipe on write as a plain {@link IOException}; they are passed
 * on as {@link SocketException}, as the native backends do.
 */
final class NioStream {
  /** Heap bytes offered to one write; see the class caveats. */
  static final int MAX_HEAP_BYTES_PER_WRITE = 1 << 20;

  /** Buffers offered to one gathering write: Linux's {@code IOV_MAX}. */
  static final int MAX_BUFFERS_PER_WRITE = 1024;

  private final NioSocket socket;
  private final NioBackend backend;
  private SocketChannel channel;
  private boolean connected;
  private StreamHandler handler;
  private boolean reading;
  private boolean eof; // reported: reading never starts again

  /** Waiting for {@code OP_CONNECT}. */
  private ConnectHandler connecting;

  /** A connect that ended inside {@link #connect}, reported from the next poll. */
  private ConnectHandler connectReport;

  private IOException connectFailure;

  private WriteQueue flushing;
  private Runnable whenWritable;

  NioStream(NioSocket socket, NioBackend backend) {
    this.socket = socket;
    this.backend = backend;
  }

  /** Gives the stream its channel; {@code connected} for an accepted one. */
  void attach(SocketChannel channel, boolean connected) {
    this.channel = channel;
    this.connected = connected;
  }

  SocketChannel channel() {
    return channel;
  }

  /** What the socket should be registered for now. */
  int interestOps() {
    if (connecting != null) {
      return OP_CONNECT;
    }
    if (!connected) {
      return 0;
    }
    int ops = reading ? OP_READ : 0;
    return flushing != null || whenWritable != null ? ops | OP_WRITE : ops;
  }

  // ---- connecting ----

  void connect(SocketAddress remote, ConnectHandler done) {
    if (connecting != null || connectReport != null) {
      throw new ConnectionPendingException();
    }
    boolean finished;
    IOException failure = null;
    try {
      finished = channel.connect(remote);
    } catch (IOException e) {
      // Refused at once (a Unix socket nobody listens on), unreachable...: the JDK has closed the
      // channel; the outcome still goes to the handler, from the next poll.
      finished = true;
      failure = e;
    }
    if (finished) {
      connected = failure == null;
      connectReport = done;
      connectFailure = failure;
      backend.defer(socket);
    } else {
      connecting = done;
    }
    socket.interestChanged();
  }

  /** Delivers a connect outcome {@link #connect} deferred. Returns 1 if it called the handler. */
  int reportConnect() {
    ConnectHandler done = connectReport;
    IOException failure = connectFailure;
    connectReport = null;
    connectFailure = null;
    if (done == null) {
      return 0;
    }
    done.onConnect(failure);
    return 1;
  }

  private void finishConnect() {
    IOException failure = null;
    try {
      if (!channel.finishConnect()) {
        return;
      }
      connected = true;
    } catch (IOException e) {
      failure = e;
    }
    ConnectHandler done = connecting;
    connecting = null;
    socket.interestChanged();
    done.onConnect(failure);
  }

  // ---- readiness ----

  /** Dispatches {@code readyOps} (a fresh selection of this socket's key). */
  void onReady(int readyOps) {
    if ((readyOps & OP_CONNECT) != 0 && connecting != null) {
      finishConnect();
      return; // what the connect unblocks is registered now, and reported by the next poll
    }
    if ((readyOps & OP_READ) != 0 && reading) {
      onReadable();
    }
    if ((readyOps & OP_WRITE) != 0 && !socket.isClosed()) {
      onWritable();
    }
  }

  // ---- reading ----

  void setHandler(StreamHandler handler) {
    this.handler = handler;
  }

  void startReading() {
    requireHandler();
    if (eof) {
      return; // the end of stream was reported once; there is nothing more to read
    }
    reading = true;
    socket.interestChanged();
  }

  void stopReading() {
    reading = false;
    socket.interestChanged();
  }

  /** One read: into the handler's buffer if it has one, else into the backend's. */
  private void onReadable() {
    StreamHandler h = handler;
    ByteBuffer into = h.readBuffer();
    if (socket.isClosed() || !reading) {
      return;
    }
    int n;
    try {
      if (into == null) {
        n = channel.read(backend.receiveBuffer());
      } else {
        int start = into.position();
        n = channel.read(into);
        into.position(start); // the contract: n bytes written starting at the position
      }
    } catch (IOException e) {
      stopReading();
      h.onError(e);
      return;
    }
    if (n > 0) {
      if (into == null) {
        h.onData(backend.received(n));
      } else {
        h.onDataInto(n);
      }
    } else if (n < 0) {
      eof = true;
      stopReading();
      h.onEof();
    }
  }

  // ---- writing ----

  long writeNow(ByteBuffer[] buffers, int offset, int count) throws IOException {
    requireConnected();
    try {
      return write(buffers, offset, count);
    } catch (IOException e) {
      throw asSocketException(e);
    }
  }

  void flush(WriteQueue queue) {
    requireHandler();
    flushing = queue;
    socket.interestChanged();
  }

  void awaitWritable(Runnable whenWritable) {
    this.whenWritable = whenWritable;
    socket.interestChanged();
  }

  private void onWritable() {
    WriteQueue queue = flushing;
    if (queue != null && !queue.isEmpty()) {
      long n;
      try {
        n = writeFromQueue(queue);
      } catch (IOException e) {
        flushing = null;
        socket.interestChanged();
        handler.onError(asSocketException(e));
        return;
      }
      if (n > 0) {
        handler.onWritten(n);
        if (socket.isClosed()) {
          return;
        }
      }
    }
    if (flushing != null && flushing.isEmpty()) {
      flushing = null;
    }
    Runnable waiter = whenWritable;
    whenWritable = null;
    socket.interestChanged();
    if (waiter != null) {
      waiter.run();
    }
  }

  /**
   * Writes from the head of {@code queue} without moving its buffers' positions: the engine
   * advances them itself, in {@code onWritten}. Positions are saved and restored around the write,
   * which allocates nothing.
   */
  private long writeFromQueue(WriteQueue queue) throws IOException {
    ByteBuffer[] buffers = queue.buffers();
    int count = Math.min(queue.count(), MAX_BUFFERS_PER_WRITE);
    int[] positions = backend.positionScratch(count);
    for (int i = 0; i < count; i++) {
      positions[i] = buffers[i].position();
    }
    try {
      return write(buffers, 0, count);
    } finally {
      for (int i = 0; i < count; i++) {
        buffers[i].position(positions[i]);
      }
    }
  }

  /** A gathering write of at most {@link #MAX_HEAP_BYTES_PER_WRITE} heap bytes (see caveats). */
  private long write(ByteBuffer[] buffers, int offset, int count) throws IOException {
    int end = offset + Math.min(count, MAX_BUFFERS_PER_WRITE);
    int budget = MAX_HEAP_BYTES_PER_WRITE;
    int cut = -1;
    int cutLimit = 0;
    int i = offset;
    while (i < end) {
      ByteBuffer b = buffers[i++];
      if (!b.isDirect()) {
        int remaining = b.remaining();
        if (remaining >= budget) {
          if (remaining > budget) {
            cut = i - 1;
            cutLimit = b.limit();
            b.limit(b.position() + budget);
          }
          break;
        }
        budget -= remaining;
      }
    }
    try {
      return channel.write(buffers, offset, i - offset);
    } finally {
      if (cut >= 0) {
        buffers[cut].limit(cutLimit);
      }
    }
  }

  void shutdownOutput() throws IOException {
    requireConnected();
    channel.shutdownOutput();
  }

  long sendfileNow(ChannelSendFile file, long position, long count) throws IOException {
    requireConnected();
    FileChannel source = file.channel();
    long n;
    try {
      n = source.transferTo(position, count, channel);
      if (n == 0 && count > 0 && position >= source.size()) {
        // transferTo answers 0 at end of file too; 0 must mean "the socket is full".
        throw new EOFException(
            "sendfile of " + file.path() + " from " + position + ": the file ends at " + source.size());
      }
    } catch (IOException e) {
      throw asSocketException(e);
    }
    return n;
  }

  private void requireHandler() {
    if (handler == null) {
      throw new IllegalStateException("set a stream handler first");
    }
  }

  private void requireConnected() {
    if (!connected) {
      throw new NotYetConnectedException();
    }
  }

  /**
   * The JDK throws a plain {@link IOException} for {@code EPIPE} and {@code ECONNRESET} on write
   * (it has no errno to give); zloop's contract, and the native backends, say {@link
   * SocketException}.
   */
  static IOException asSocketException(IOException e) {
    if (e.getClass() == IOException.class) {
      String message = e.getMessage();
      if ("Broken pipe".equals(message) || "Connection reset by peer".equals(message)) {
        SocketException s = new SocketException(message);
        s.initCause(e);
        return s;
      }
    }
    return e;
  }
}
