package zloop.backend.nio;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import zloop.engine.spi.DatagramHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import zloop.engine.spi.Backend;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/**
 * The NIO backend: a {@link Selector}, woken with {@link Selector#wakeup()}, and {@link NioSocket}s
 * registered with it.
 *
 * <p>A poll runs in two phases: first the outcomes sockets deferred so that no handler runs inside
 * a {@link SocketHandle} method (a connect that finished at once, see {@link #defer}), then one
 * selection whose ready keys go straight to their sockets ({@link Selector#select(Consumer, long)}:
 * no selected-key set, no iterator, no allocation per event). While deferred outcomes are waiting,
 * the selection does not block.
 *
 * <p>Reads into the backend's buffer all use one {@value #RECEIVE_BUFFER_SIZE}-byte direct buffer,
 * handed to the engine as one reused read-only view: nothing is allocated per read.
 */
final class NioBackend implements Backend {
  static final int RECEIVE_BUFFER_SIZE = 256 * 1024;

  private final LoopContext context;
  private final Selector selector;
  private final Consumer<SelectionKey> dispatch = this::dispatch;
  private final ArrayDeque<NioSocket> deferred = new ArrayDeque<>();
  private final EnumMap<SocketKind, NioFamily> families = new EnumMap<>(SocketKind.class);
  private ByteBuffer receiveBuffer;
  private ByteBuffer receiveView;
  private int[] positionScratch = new int[16];
  private boolean selecting;
  private boolean releasePending;

  NioBackend(LoopContext context) throws IOException {
    this.context = context;
    selector = Selector.open();
  }

  @Override
  public int poll(long timeoutNanos) throws IOException {
    int n = runDeferred();
    if (n > 0 || !deferred.isEmpty()) {
      timeoutNanos = 0;
    }
    selecting = true;
    try {
      if (timeoutNanos == 0) {
        n += selector.selectNow(dispatch);
      } else if (timeoutNanos < 0) {
        n += selector.select(dispatch);
      } else {
        // Round up so a timer's deadline has passed when we return: no early wake-up and spin.
        long millis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999);
        n += selector.select(dispatch, Math.max(1, millis));
      }
    } finally {
      selecting = false;
    }
    if (releasePending) {
      releaseClosedChannels();
    }
    return n;
  }

  /**
   * Closes now the descriptors of channels that were closed while registered. The JDK closes such
   * a descriptor only when the selector deregisters its key, at the next selection: until then a
   * closed listener keeps accepting connections into a backlog that is reset later, so a connect
   * made right after {@code close()} gets "connection reset" instead of "refused". Called when a
   * listener closes; deferred to the end of the selection when a handler closes it.
   */
  void releaseClosedChannels() {
    if (selecting) {
      releasePending = true;
      return;
    }
    releasePending = false;
    try {
      selector.selectNow();
    } catch (IOException e) {
      context.reportError("Error releasing closed channels", e);
    }
    // The JDK's selector is level-triggered: readiness dropped here is reported again next poll.
    selector.selectedKeys().clear();
  }

  /** Runs the outcomes deferred before this poll; those deferred meanwhile wait for the next. */
  private int runDeferred() {
    int n = 0;
    for (int i = deferred.size(); i > 0; i--) {
      n += context.dispatch(RUN_DEFERRED, deferred.poll(), 0, 0, 0);
    }
    return n;
  }

  /** One ready key to its socket, under the loop's guard ({@link LoopContext#dispatch}). */
  private void dispatch(SelectionKey key) {
    if (key.attachment() instanceof NioDatagram datagram) {
      if (!datagram.isClosed() && key.isValid()) {
        context.dispatch(ON_DATAGRAM_READY, datagram, key.readyOps(), 0, 0);
      }
      return;
    }
    NioSocket socket = (NioSocket) key.attachment();
    // A handler earlier in this selection may have closed the socket.
    if (!socket.isClosed() && key.isValid()) {
      context.dispatch(ON_READY, socket, key.readyOps(), 0, 0);
    }
  }

  // Static and non-capturing: dispatching allocates nothing.
  private static final IoCallback<NioSocket> ON_READY =
      (socket, readyOps, unused, unused2) -> {
        socket.onReady(readyOps);
        return 1;
      };

  private static final IoCallback<NioDatagram> ON_DATAGRAM_READY =
      (datagram, readyOps, unused, unused2) -> {
        datagram.onReady(readyOps);
        return 1;
      };

  private static final IoCallback<NioSocket> RUN_DEFERRED =
      (socket, unused, unused2, unused3) -> socket.runDeferred();

  @Override
  public void wakeup() {
    selector.wakeup();
  }

  /**
   * Opens a socket of {@code kind}. No channel exists until the socket listens or connects (see
   * {@link NioSocket}); the first socket of each kind probes that the family works on this host.
   */
  @Override
  public SocketHandle openSocket(SocketKind kind) throws IOException {
    if (!selector.isOpen()) {
      throw new ClosedSelectorException();
    }
    NioFamily family = families.get(kind);
    if (family == null) {
      family = NioFamily.probe(kind);
      families.put(kind, family);
    }
    return NioSocket.unopened(this, family);
  }

  /** A {@link DatagramChannel} of the family; the JDK has none for Unix-domain datagrams. */
  @Override
  public DatagramHandle openDatagramSocket(StandardProtocolFamily family) throws IOException {
    if (!selector.isOpen()) {
      throw new ClosedSelectorException();
    }
    return NioDatagram.open(this, family);
  }

  @Override
  public void watchFd(int fd, int interest, FdHandler handler) {
    throw new UnsupportedOperationException("the nio backend has no file descriptors");
  }

  // ---- for sockets ----

  SelectionKey register(SelectableChannel channel, NioSocket socket)
      throws ClosedChannelException {
    return channel.register(selector, 0, socket);
  }

  SelectionKey register(DatagramChannel channel, NioDatagram datagram)
      throws ClosedChannelException {
    return channel.register(selector, 0, datagram);
  }

  /** Has {@code socket}'s {@link NioSocket#runDeferred} called at the start of the next poll. */
  void defer(NioSocket socket) {
    deferred.add(socket);
  }

  /** The shared receive buffer, cleared; valid until the next read. */
  ByteBuffer receiveBuffer() {
    if (receiveBuffer == null) {
      receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER_SIZE);
      receiveView = receiveBuffer.asReadOnlyBuffer();
    }
    return receiveBuffer.clear();
  }

  /** The read-only view of the first {@code n} bytes of the receive buffer. */
  ByteBuffer received(int n) {
    return receiveView.limit(n).position(0);
  }

  /** Scratch space for {@code count} buffer positions, reused. */
  int[] positionScratch(int count) {
    if (positionScratch.length < count) {
      positionScratch = new int[Math.max(count, positionScratch.length * 2)];
    }
    return positionScratch;
  }

  /** Closes every socket still registered, then the selector. Idempotent. */
  @Override
  public void close() {
    if (!selector.isOpen()) {
      return;
    }
    for (SelectionKey key : selector.keys().toArray(new SelectionKey[0])) {
      if (key.attachment() instanceof NioDatagram datagram) {
        datagram.close();
      } else {
        ((NioSocket) key.attachment()).close();
      }
    }
    deferred.clear();
    try {
      selector.close();
    } catch (IOException e) {
      // The selector's descriptors are released even when close reports an error.
    }
  }
}
