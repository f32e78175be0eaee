package zloop.backend.nio;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import zloop.EventLoop;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.spi.StreamHandler;

/** A NIO backend driven by hand: poll until a condition holds, within a deadline. */
final class NioHarness implements AutoCloseable {
  static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  final List<Throwable> reported = new ArrayList<>();
  final NioBackend backend;

  NioHarness() throws IOException {
    LoopContext context =
        new LoopContext() {
          @Override
          public EventLoop loop() {
            return null;
          }

          @Override
          public void reportError(String message, Throwable exception) {
            reported.add(exception);
          }
        };
    backend = (NioBackend) new NioBackendProvider().open(context);
  }

  /** Polls until {@code condition} holds; fails after {@link #DEADLINE_NANOS}. */
  void pollUntil(String what, BooleanSupplier condition) throws IOException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting for " + what);
      }
      backend.poll(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /**
   * One {@code poll(-1)}, which must return on its own: a watchdog wakes it after {@link
   * #DEADLINE_NANOS} and fails the test if it had to.
   */
  void pollIndefinitely() throws IOException {
    AtomicBoolean fired = new AtomicBoolean();
    Thread watchdog =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    TimeUnit.NANOSECONDS.sleep(DEADLINE_NANOS);
                    fired.set(true);
                    backend.wakeup();
                  } catch (InterruptedException e) {
                    // the poll returned: nothing to do
                  }
                });
    try {
      backend.poll(-1);
    } finally {
      watchdog.interrupt();
    }
    if (fired.get()) {
      fail("poll(-1) blocked although events were waiting");
    }
  }

  /** Polls {@code times} times without blocking. */
  void pollNow(int times) throws IOException {
    for (int i = 0; i < times; i++) {
      backend.poll(0);
    }
  }

  static InetSocketAddress loopback4() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  /** A listener bound to {@code address}, accepting into an {@link Acceptor}. */
  Acceptor listen(SocketKind kind, SocketAddress address) throws IOException {
    SocketHandle listener = backend.openSocket(kind);
    listener.bind(address);
    listener.listen(128);
    Acceptor acceptor = new Acceptor(listener);
    listener.startAccepting(acceptor);
    return acceptor;
  }

  /** A connected pair: a client and the server side its listener accepted, both recording. */
  Pair connect(Acceptor acceptor) throws IOException {
    SocketHandle client = backend.openSocket(kindOf(acceptor.listener.localAddress()));
    boolean[] connected = new boolean[1];
    IOException[] failure = new IOException[1];
    client.connect(
        acceptor.listener.localAddress(),
        e -> {
          connected[0] = true;
          failure[0] = e;
        });
    int before = acceptor.accepted.size();
    pollUntil("connect and accept", () -> connected[0] && acceptor.accepted.size() > before);
    if (failure[0] != null) {
      throw failure[0];
    }
    return new Pair(new Recorder(client), new Recorder(acceptor.accepted.get(before)));
  }

  private static SocketKind kindOf(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() instanceof Inet6Address ? SocketKind.TCP6 : SocketKind.TCP4;
    }
    return SocketKind.UNIX;
  }

  @Override
  public void close() {
    backend.close();
  }

  record Pair(Recorder client, Recorder server) {}

  /** Records accepted sockets and accept errors; fails if called after its listener closed. */
  static final class Acceptor implements AcceptHandler {
    final SocketHandle listener;
    final List<SocketHandle> accepted = new ArrayList<>();
    final List<IOException> errors = new ArrayList<>();

    Acceptor(SocketHandle listener) {
      this.listener = listener;
    }

    @Override
    public void onAccept(SocketHandle socket) {
      if (!listener.isOpen()) {
        fail("onAccept after close");
      }
      accepted.add(socket);
    }

    @Override
    public void onAcceptError(IOException failure, boolean resourceExhausted) {
      if (!listener.isOpen()) {
        fail("onAcceptError after close");
      }
      errors.add(failure);
    }
  }

  /**
   * A stream handler that records what arrives, reads into its own buffer when given one, and
   * fails the test if it is called after its socket closed.
   */
  static final class Recorder implements StreamHandler {
    final SocketHandle socket;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    ByteBuffer ownBuffer;
    Consumer<ByteBuffer> onData = b -> {};
    LongConsumer onWrittenHook = n -> {};
    long written;
    int eofs;
    IOException error;
    CRC32 crc = new CRC32();
    long count;
    boolean keepBytes = true;

    Recorder(SocketHandle socket) {
      this.socket = socket;
      socket.setStreamHandler(this);
    }

    /** Keeps only a count and a checksum of what arrives (for large transfers). */
    Recorder checksumOnly() {
      keepBytes = false;
      return this;
    }

    String text() {
      return received.toString(StandardCharsets.UTF_8);
    }

    private void check() {
      if (!socket.isOpen()) {
        fail("handler called after close");
      }
    }

    @Override
    public ByteBuffer readBuffer() {
      check();
      if (ownBuffer != null) {
        ownBuffer.clear().position(7); // data must land at the position, not at 0
      }
      return ownBuffer;
    }

    @Override
    public void onData(ByteBuffer data) {
      check();
      if (!data.isReadOnly()) {
        fail("the backend's buffer must be passed read-only");
      }
      record(data.duplicate());
      onData.accept(data);
    }

    @Override
    public void onDataInto(int n) {
      check();
      if (ownBuffer.position() != 7) {
        fail("the backend moved the position of the handler's buffer");
      }
      ByteBuffer data = ownBuffer.duplicate();
      data.limit(7 + n);
      record(data.duplicate());
      onData.accept(data);
    }

    private void record(ByteBuffer data) {
      count += data.remaining();
      crc.update(data.duplicate());
      if (keepBytes) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        received.writeBytes(bytes);
      }
    }

    @Override
    public void onEof() {
      check();
      eofs++;
    }

    @Override
    public void onError(IOException failure) {
      check();
      error = failure;
    }

    @Override
    public void onWritten(long n) {
      check();
      written += n;
      onWrittenHook.accept(n);
    }
  }
}
