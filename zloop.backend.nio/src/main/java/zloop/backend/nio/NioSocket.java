package zloop.backend.nio;

import static java.nio.channels.SelectionKey.OP_ACCEPT;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.ChannelSendFile;
import zloop.engine.spi.ConnectHandler;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * A socket of the NIO backend: a {@link SocketChannel} or a {@link ServerSocketChannel},
 * registered with the backend's selector with this object attached to its key.
 *
 * <h2>The channel is created when the role is known</h2>
 *
 * A kernel socket becomes a listener or a stream only when {@code listen} or {@code connect} is
 * called on it, but the JDK has a channel type for each and no way to turn one into the other. So
 * {@link NioBackend#openSocket} creates no channel; until the role is known the socket remembers
 * what it is told:
 *
 * <ul>
 *   <li>{@link #setOption}: checked against what either channel type supports, saved, and set on
 *       the channel when it is created; {@link #getOption} returns the saved value or the family's
 *       default.
 *   <li>{@link #bind}: the address is checked (type, resolved, no abstract name) and saved.
 *   <li>{@link #listen}: creates a {@link ServerSocketChannel}, sets the saved options, and binds
 *       it to the saved address (or an ephemeral port) with the backlog; JDK listeners bind and
 *       listen in one step. Saved stream-only options are passed on to accepted sockets.
 *   <li>{@link #connect}: creates a {@link SocketChannel}, sets the saved options, binds it if an
 *       address was saved, and connects.
 * </ul>
 *
 * Creating the channel is all or nothing: if an option or the bind fails, the new channel is
 * closed and the socket stays as it was. Accepted sockets have their channel from the start.
 *
 * <p><b>Caveats:</b> because bind is deferred, a bind error ({@link java.net.BindException}: the
 * port is in use) is thrown by {@code listen} or {@code connect}, not by {@code bind}, and until
 * then {@link #localAddress()} is the saved address, so port 0 is still 0. {@link #fd()} is always
 * -1. JDK sockets are not opened close-on-exec, but the JDK closes every inherited descriptor when
 * it starts a process.
 */
final class NioSocket implements SocketHandle {
  private final NioBackend backend;
  private final NioFamily family;
  private final NioStream stream;

  /** Options saved until the channel exists, then {@code null}. */
  private SavedOptions pendingOptions;

  /** The bind address (JDK form) saved until the channel exists. */
  private SocketAddress pendingLocal;

  private NioAcceptor acceptor;
  private NetworkChannel channel;
  private SelectionKey key;
  private int registeredOps;
  private boolean closed;

  private NioSocket(NioBackend backend, NioFamily family) {
    this.backend = backend;
    this.family = family;
    this.stream = new NioStream(this, backend);
  }

  /** A socket whose role is not known yet: no channel until {@code listen} or {@code connect}. */
  static NioSocket unopened(NioBackend backend, NioFamily family) {
    NioSocket socket = new NioSocket(backend, family);
    socket.pendingOptions = new SavedOptions();
    return socket;
  }

  /** Wraps a connection a listener accepted (already non-blocking). */
  static NioSocket accepted(NioBackend backend, NioFamily family, SocketChannel channel)
      throws IOException {
    NioSocket socket = new NioSocket(backend, family);
    socket.register(channel);
    socket.stream.attach(channel, true);
    return socket;
  }

  SocketKind kind() {
    return family.kind();
  }

  boolean isClosed() {
    return closed;
  }

  // ---- the backend's side ----

  /** Dispatches a selection of this socket's key; the backend checked it is open and valid. */
  void onReady(int readyOps) {
    if ((readyOps & OP_ACCEPT) != 0 && acceptor != null) {
      acceptor.onAcceptable();
    } else {
      stream.onReady(readyOps);
    }
  }

  /** Reports what {@link NioBackend#defer} queued; 0 if closed since. */
  int runDeferred() {
    return closed ? 0 : stream.reportConnect();
  }

  /** Re-registers the key's interest ops if what the socket wants changed. */
  void interestChanged() {
    if (key == null || closed) {
      return;
    }
    int ops = acceptor != null ? acceptor.interestOps() : stream.interestOps();
    if (ops != registeredOps && key.isValid()) {
      key.interestOps(ops);
      registeredOps = ops;
    }
  }

  private <C extends SelectableChannel & NetworkChannel> void register(C created)
      throws ClosedChannelException {
    key = backend.register(created, this);
    channel = created;
    pendingOptions = null;
    pendingLocal = null;
  }

  // ---- NetSocket ----

  @Override
  public SocketAddress localAddress() {
    if (channel == null) {
      return pendingLocal == null ? null : NioAddresses.fromJdk(pendingLocal);
    }
    try {
      return NioAddresses.fromJdk(channel.getLocalAddress());
    } catch (IOException e) {
      return null; // closed
    }
  }

  @Override
  public SocketAddress remoteAddress() {
    SocketChannel s = stream.channel();
    if (s == null) {
      return null;
    }
    try {
      return NioAddresses.fromJdk(s.getRemoteAddress());
    } catch (IOException e) {
      return null; // closed
    }
  }

  @Override
  public int fd() {
    return -1;
  }

  @Override
  public <T> void setOption(SocketOption<T> option, T value) throws IOException {
    ensureOpen();
    if (acceptor != null) {
      acceptor.setOption(option, value);
    } else if (channel != null) {
      channel.setOption(option, value);
    } else if (family.supports(option)) {
      pendingOptions.put(option, value);
    } else {
      throw new UnsupportedOperationException(
          "'" + option + "' is not supported by " + family.kind() + " sockets on the nio backend");
    }
  }

  @Override
  public <T> T getOption(SocketOption<T> option) throws IOException {
    ensureOpen();
    if (acceptor != null) {
      return acceptor.getOption(option);
    }
    if (channel != null) {
      return channel.getOption(option);
    }
    if (!family.supports(option)) {
      throw new UnsupportedOperationException(
          "'" + option + "' is not supported by " + family.kind() + " sockets on the nio backend");
    }
    T saved = pendingOptions.get(option);
    return saved != null ? saved : family.defaultValue(option);
  }

  /** Saves the address for {@code listen} or {@code connect}: see the class comment. */
  @Override
  public void bind(SocketAddress local) throws IOException {
    ensureOpen();
    SocketAddress address = NioAddresses.toJdk(local, family.kind());
    if (channel != null || pendingLocal != null) {
      throw new AlreadyBoundException();
    }
    pendingLocal = address;
  }

  @Override
  public void listen(int backlog) throws IOException {
    ensureOpen();
    if (acceptor != null) {
      return;
    }
    if (channel != null) {
      throw new IllegalStateException("a connected socket cannot listen");
    }
    if (pendingLocal == null && family.kind() == SocketKind.UNIX) {
      throw new IllegalStateException("bind a Unix socket before listening on it");
    }
    ServerSocketChannel created = family.openListener();
    SavedOptions inherited = new SavedOptions();
    try {
      pendingOptions.applyTo(created, inherited);
      created.bind(pendingLocal, backlog);
      register(created);
    } catch (IOException | RuntimeException e) {
      closeQuietly(created);
      throw e;
    }
    acceptor = new NioAcceptor(this, backend, family, created, inherited);
  }

  @Override
  public boolean isOpen() {
    return !closed && (channel == null || channel.isOpen());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (key != null) {
      key.cancel();
    }
    if (channel != null) {
      closeQuietly(channel);
      if (acceptor != null && key != null) {
        backend.releaseClosedChannels(); // the port must refuse connections once close() returns
      }
    }
  }

  // ---- connecting ----

  @Override
  public void connect(SocketAddress remote, ConnectHandler done) throws IOException {
    ensureOpen();
    Objects.requireNonNull(done, "done");
    SocketAddress target = NioAddresses.toJdk(remote, family.kind());
    if (acceptor != null) {
      throw new IllegalStateException("a listening socket cannot connect");
    }
    if (channel == null) {
      SocketChannel created = family.openStream();
      try {
        pendingOptions.applyTo(created, null);
        if (pendingLocal != null) {
          created.bind(pendingLocal);
        }
        register(created);
      } catch (IOException | RuntimeException e) {
        closeQuietly(created);
        throw e;
      }
      stream.attach(created, false);
    }
    stream.connect(target, done);
  }

  // ---- stream ----

  @Override
  public void setStreamHandler(StreamHandler handler) {
    stream().setHandler(handler);
  }

  @Override
  public void startReading() {
    stream().startReading();
  }

  @Override
  public void stopReading() {
    stream().stopReading();
  }

  @Override
  public long writeNow(ByteBuffer[] buffers, int offset, int count) throws IOException {
    return stream().writeNow(buffers, offset, count);
  }

  @Override
  public void flush(WriteQueue queue) {
    stream().flush(Objects.requireNonNull(queue, "queue"));
  }

  @Override
  public void shutdownOutput() throws IOException {
    stream().shutdownOutput();
  }

  @Override
  public long sendfileNow(SendFile file, long position, long count) throws IOException {
    if (!(file instanceof ChannelSendFile f)) {
      throw new IllegalArgumentException("not a file this backend opened: " + file);
    }
    return stream().sendfileNow(f, position, count);
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    stream().awaitWritable(Objects.requireNonNull(whenWritable, "whenWritable"));
  }

  private NioStream stream() {
    if (acceptor != null) {
      throw new IllegalStateException("a listening socket has no stream");
    }
    return stream;
  }

  // ---- listening ----

  @Override
  public void startAccepting(AcceptHandler handler) {
    listener().start(handler);
  }

  @Override
  public void stopAccepting() {
    listener().stop();
  }

  private NioAcceptor listener() {
    if (acceptor == null) {
      throw new IllegalStateException("the socket is not listening");
    }
    return acceptor;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (closed) {
      throw new ClosedChannelException();
    }
  }

  static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // Nothing to do: close releases the descriptor even when it reports an error.
    }
  }

  @Override
  public String toString() {
    return "NioSocket[" + family.kind() + (closed ? ", closed" : "") + ", " + localAddress() + "]";
  }
}
