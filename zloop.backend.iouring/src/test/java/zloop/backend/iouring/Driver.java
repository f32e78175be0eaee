package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.test.support.RecordingContext;

/**
 * Drives an io_uring backend as the engine would, without a loop: opens loopback sockets and polls
 * until a condition holds, bounded by a deadline (never by a sleep).
 */
final class Driver implements AutoCloseable {

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long DEADLINE_NANOS = 20_000_000_000L;

  final RecordingContext context = new RecordingContext();
  final IoUringBackend backend;
  long polls;

  Driver() throws IOException {
    this(Config.fromSystemProperties());
  }

  Driver(Config config) throws IOException {
    backend = IoUringBackend.open(context, config);
  }

  /** Polls (10 ms at most each) until {@code done}; fails after 20 s. */
  void pollUntil(BooleanSupplier done, String what) throws IOException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting for " + what);
      }
      poll(10_000_000L);
    }
  }

  int poll(long timeoutNanos) throws IOException {
    polls++;
    return backend.poll(timeoutNanos);
  }

  /** A TCP socket listening on an ephemeral loopback port. */
  SocketHandle listen() throws IOException {
    SocketHandle s = backend.openSocket(SocketKind.TCP4);
    s.bind(new InetSocketAddress(LOOPBACK, 0));
    s.listen(128);
    return s;
  }

  /** Collects what a listener accepts. */
  static final class Accepted implements AcceptHandler {
    final List<SocketHandle> sockets = new ArrayList<>();
    final List<IOException> errors = new ArrayList<>();

    @Override
    public void onAccept(SocketHandle accepted) {
      sockets.add(accepted);
    }

    @Override
    public void onAcceptError(IOException failure, boolean resourceExhausted) {
      errors.add(failure);
    }
  }

  /** A connected pair through {@code listener}: the client, and the socket the server accepted. */
  record Pair(SocketHandle client, SocketHandle server) {}

  Pair connect(SocketHandle listener) throws IOException {
    Accepted accepted = new Accepted();
    listener.startAccepting(accepted);
    SocketHandle client = backend.openSocket(SocketKind.TCP4);
    IOException[] outcome = new IOException[1];
    boolean[] done = new boolean[1];
    client.connect(
        listener.localAddress(),
        failure -> {
          outcome[0] = failure;
          done[0] = true;
        });
    pollUntil(() -> done[0] && !accepted.sockets.isEmpty(), "connect and accept");
    listener.stopAccepting();
    if (outcome[0] != null) {
      throw outcome[0];
    }
    assertEquals(1, accepted.sockets.size());
    return new Pair(client, accepted.sockets.getFirst());
  }

  @Override
  public void close() {
    backend.close();
    assertEquals(List.of(), context.errors, "errors the backend reported");
  }
}
