package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.test.support.RecordingContext;
import zloop.test.support.OpenFds;

/**
 * An epoll backend driven through the SPI the way the engine drives it, without an engine: open
 * sockets, call {@link EpollBackend#poll} until a condition holds (bounded by a deadline), and on
 * {@link #close()} check that nothing was reported and every descriptor was released.
 */
final class Harness implements AutoCloseable {

  private static final long DEADLINE_NANOS = 20_000_000_000L;
  private static final long POLL_NANOS = 10_000_000L;

  final RecordingContext context = new RecordingContext();
  private final OpenFds fds = OpenFds.snapshot();
  final EpollBackend backend;

  Harness() throws IOException {
    backend = (EpollBackend) new EpollBackendProvider().open(context);
  }

  /** Polls until {@code done} holds; fails after the deadline, naming {@code what}. */
  void pollUntil(String what, BooleanSupplier done) throws IOException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting for " + what);
      }
      backend.poll(POLL_NANOS);
    }
  }

  /** A listening socket of {@code kind} bound to {@code address}. */
  SocketHandle listen(SocketKind kind, SocketAddress address) throws IOException {
    SocketHandle s = backend.openSocket(kind);
    s.bind(address);
    s.listen(64);
    return s;
  }

  /** Accepts on {@code listener} into a list. */
  Accepted accept(SocketHandle listener) {
    Accepted accepted = new Accepted();
    listener.startAccepting(accepted);
    return accepted;
  }

  /** Connects a new socket of {@code kind} to {@code listener}, returning both ends. */
  Connection connect(SocketKind kind, SocketHandle listener) throws IOException {
    Accepted accepted = accept(listener);
    SocketHandle client = backend.openSocket(kind);
    List<IOException> outcome = new ArrayList<>();
    client.connect(listener.localAddress(), outcome::add);
    pollUntil("connect and accept", () -> outcome.size() == 1 && accepted.sockets.size() == 1);
    assertEquals(null, outcome.get(0), "connect failed");
    listener.stopAccepting();
    return new Connection(client, accepted.sockets.get(0));
  }

  /** Closes the backend (and with it every socket), then checks errors and descriptors. */
  @Override
  public void close() {
    backend.close();
    assertEquals(List.of(), context.errors, "errors reported to the loop");
    fds.assertBackToBaseline();
  }

  /** Both ends of a connection. */
  record Connection(SocketHandle client, SocketHandle server) {}

  /** An accept handler that keeps what it is given. */
  static final class Accepted implements AcceptHandler {
    final List<SocketHandle> sockets = new ArrayList<>();
    final List<IOException> errors = new ArrayList<>();

    @Override
    public void onAccept(SocketHandle accepted) {
      assertNotNull(accepted);
      sockets.add(accepted);
    }

    @Override
    public void onAcceptError(IOException failure, boolean resourceExhausted) {
      errors.add(failure);
    }
  }
}
