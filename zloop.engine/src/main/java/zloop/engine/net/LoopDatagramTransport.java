package zloop.engine.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import zloop.DatagramProtocol;
import zloop.DatagramTransport;
import zloop.ExceptionContext;
import zloop.WriteBufferLimits;
import zloop.engine.Loop;
import zloop.engine.LoopHandle;
import zloop.engine.spi.DatagramHandle;
import zloop.engine.spi.DatagramHandler;
import zloop.internal.transport.AppProtocolCaller;

/**
 * A datagram endpoint's transport, written once for every backend: asyncio's {@code
 * _SelectorDatagramTransport}. It sends at once when nothing is buffered, buffers (a copy) what the
 * kernel does not take, pauses and resumes the protocol at the watermarks, passes receive and send
 * errors to {@code errorReceived} without closing, and always reports the end with {@code
 * connectionLost} on a later turn. The backend only moves datagrams ({@link DatagramHandle}).
 *
 * <p>Loop thread only.
 */
final class LoopDatagramTransport implements DatagramTransport, DatagramHandler {
  /** What a buffered datagram weighs besides its bytes (CPython 3.13's header size). */
  static final int HEADER_SIZE = 8;

  /** After this many sends to a closed transport, each further one is logged (asyncio's rule). */
  private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

  private record Pending(ByteBuffer data, SocketAddress target) {}

  private final Loop loop;
  private final DatagramHandle socket;
  private final TargetCheck targets;
  private final Object sockname;
  private final Object peername;
  private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
  private final Runnable flush = this::flush;
  private final UserDatagramSocket exposed;
  private DatagramProtocol protocol;
  private long bufferSize;
  private WriteBufferLimits limits = WriteBufferLimits.DEFAULT;
  private boolean writingPaused;
  private boolean closing;
  /** {@code connectionLost} is scheduled or done: nothing more is sent or delivered. */
  private boolean lost;
  private int sendsAfterClose;

  LoopDatagramTransport(Loop loop, UserDatagramSocket exposed, DatagramProtocol protocol) {
    this.loop = loop;
    this.exposed = exposed;
    this.socket = exposed.handle;
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.targets = exposed.targets;
    this.sockname = socket.localAddress();
    this.peername = socket.remoteAddress();
    exposed.ownedBy(this);
    loop.transports().add(socket.fd(), this); // addReader and kin refuse its descriptor
  }

  /**
   * asyncio's order: {@code connectionMade}, then reading starts, then {@code ready} runs (the
   * endpoint's future completes), each on the turn after the one before.
   */
  void start(Runnable ready) {
    loop.scheduleInternal(new LoopHandle(this::callConnectionMade));
    loop.scheduleInternal(
        new LoopHandle(
            () -> {
              if (!closing) {
                socket.startReading(this);
              }
            }));
    loop.scheduleInternal(new LoopHandle(ready));
  }

  private void callConnectionMade() {
    try {
      protocol.connectionMade(this);
    } catch (Throwable t) {
      report("Exception in protocol.connectionMade()", AppProtocolCaller.survivable(t));
    }
  }

  // ------------------------------------------------------------------ receiving

  @Override
  public void onDatagram(ByteBuffer data, SocketAddress sender) {
    if (closing) {
      return;
    }
    try {
      protocol.datagramReceived(data, sender);
    } catch (Throwable t) {
      fatal("Fatal error: protocol.datagramReceived() call failed.", AppProtocolCaller.survivable(t));
    }
  }

  @Override
  public void onError(IOException failure) {
    if (lost) {
      return;
    }
    try {
      protocol.errorReceived(failure);
    } catch (Throwable t) {
      fatal("Fatal error: protocol.errorReceived() call failed.", AppProtocolCaller.survivable(t));
    }
  }

  // ------------------------------------------------------------------ sending

  @Override
  public void sendTo(ByteBuffer data, SocketAddress address) {
    loop.checkThread();
    Objects.requireNonNull(data, "data");
    SocketAddress target = targets.check(address);
    if (closing) {
      data.position(data.limit());
      if (++sendsAfterClose >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
        loop.errors().warn("socket.sendto() on a closed datagram transport: the datagram is dropped");
      }
      return;
    }
    if (buffer.isEmpty()) {
      try {
        if (socket.sendNow(data, target)) {
          return;
        }
      } catch (IOException e) {
        data.position(data.limit());
        onError(e);
        return;
      }
      socket.awaitWritable(flush);
    }
    int size = data.remaining();
    ByteBuffer copy = ByteBuffer.allocate(size).put(data).flip();
    buffer.add(new Pending(copy, target));
    bufferSize += size + HEADER_SIZE;
    if (!writingPaused && bufferSize > limits.high()) {
      writingPaused = true;
      callProtocol(true);
    }
  }

  /** The socket is writable: sends what is buffered, in order, until the kernel is full again. */
  private void flush() {
    while (!buffer.isEmpty() && !lost) {
      Pending p = buffer.peek();
      try {
        if (!socket.sendNow(p.data, p.target)) {
          socket.awaitWritable(flush);
          return;
        }
      } catch (IOException e) {
        onError(e); // this datagram only: the rest still go
      }
      buffer.poll();
      bufferSize -= p.data.capacity() + HEADER_SIZE;
    }
    maybeResume();
    if (buffer.isEmpty() && closing && !lost) {
      scheduleConnectionLost(null);
    }
  }

  private void maybeResume() {
    if (writingPaused && bufferSize <= limits.low()) {
      writingPaused = false;
      callProtocol(false);
    }
  }

  private void callProtocol(boolean pause) {
    try {
      if (pause) {
        protocol.pauseWriting();
      } else {
        protocol.resumeWriting();
      }
    } catch (Throwable t) {
      report(
          "protocol." + (pause ? "pauseWriting" : "resumeWriting") + "() failed",
          AppProtocolCaller.survivable(t));
    }
  }

  @Override
  public long getWriteBufferSize() {
    return bufferSize;
  }

  @Override
  public WriteBufferLimits getWriteBufferLimits() {
    return limits;
  }

  @Override
  public void setWriteBufferLimits(WriteBufferLimits newLimits) {
    loop.checkThread();
    limits = Objects.requireNonNull(newLimits, "limits");
    if (!writingPaused && bufferSize > limits.high()) {
      writingPaused = true;
      callProtocol(true);
    }
    maybeResume();
  }

  // ------------------------------------------------------------------ closing

  @Override
  public void close() {
    loop.checkThread();
    if (closing) {
      return;
    }
    closing = true;
    socket.stopReading();
    if (buffer.isEmpty()) {
      scheduleConnectionLost(null);
    }
  }

  @Override
  public void abort() {
    loop.checkThread();
    forceClose(null);
  }

  private void forceClose(Throwable reason) {
    if (lost) {
      return;
    }
    closing = true;
    buffer.clear();
    bufferSize = 0;
    socket.stopReading();
    scheduleConnectionLost(reason);
  }

  private void scheduleConnectionLost(Throwable reason) {
    lost = true;
    loop.scheduleInternal(new LoopHandle(() -> callConnectionLost(reason)));
  }

  private void callConnectionLost(Throwable reason) {
    try {
      protocol.connectionLost(reason);
    } catch (Throwable t) {
      report("Exception in protocol.connectionLost()", AppProtocolCaller.survivable(t));
    } finally {
      loop.transports().remove(socket.fd(), this);
      socket.close();
    }
  }

  /** asyncio's {@code _fatal_error}: reports what is not an OS error, and closes with it. */
  private void fatal(String message, Throwable failure) {
    if (!(failure instanceof IOException)) {
      report(message, failure);
    }
    forceClose(failure);
  }

  private void report(String message, Throwable failure) {
    loop.callExceptionHandler(new ExceptionContext(message, failure, null, null, this, protocol));
  }

  // ------------------------------------------------------------------ the rest

  @Override
  public boolean isClosing() {
    return closing;
  }

  @Override
  public Object getExtraInfo(String name) {
    return switch (name) {
      case "sockname" -> sockname;
      case "peername" -> peername;
      case "socket" -> exposed;
      case "backend" -> loop.backendName();
      default -> null;
    };
  }

  @Override
  public void setProtocol(DatagramProtocol newProtocol) {
    loop.checkThread();
    protocol = Objects.requireNonNull(newProtocol, "protocol");
  }

  @Override
  public DatagramProtocol getProtocol() {
    return protocol;
  }

  @Override
  public String toString() {
    return "DatagramTransport["
        + sockname
        + (peername != null ? " -> " + peername : "")
        + (lost ? ", closed" : closing ? ", closing" : "")
        + (writingPaused ? ", writing paused" : "")
        + (bufferSize > 0 ? ", buffered " + bufferSize : "")
        + "]";
  }
}
