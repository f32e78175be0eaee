package zloop.test.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/**
 * A backend driven through the SPI the way the engine drives it, without an engine: open sockets,
 * poll until a condition holds (bounded by a deadline, never by a sleep), and on {@link #close()}
 * check that nothing was reported to the loop and every descriptor was released.
 */
public final class SpiDriver implements AutoCloseable {

  private static final long DEADLINE_NANOS = 20_000_000_000L;
  private static final long POLL_NANOS = 10_000_000L;

  public final RecordingContext context = new RecordingContext();
  public final Backend backend;
  private final OpenFds fds = OpenFds.snapshot();

  public SpiDriver(BackendProvider provider) throws IOException {
    backend = provider.open(context);
  }

  /** Polls until {@code done} holds; fails after the deadline, naming {@code what}. */
  public void pollUntil(String what, BooleanSupplier done) throws IOException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting for " + what);
      }
      backend.poll(POLL_NANOS);
    }
  }

  /**
   * Polls a few times, waiting a little each time, so that whatever the backend would still
   * report (a late completion, a level-triggered event) has its chance to show.
   */
  public void pollAWhile() throws IOException {
    for (int i = 0; i < 5; i++) {
      backend.poll(1_000_000L);
    }
  }

  /** A socket of {@code kind} bound to {@code address} and listening. */
  public SocketHandle listen(SocketKind kind, SocketAddress address) throws IOException {
    SocketHandle s = backend.openSocket(kind);
    s.bind(address);
    s.listen(512);
    return s;
  }

  /** Starts {@code listener} accepting into a new recorder. */
  public AcceptRecorder accept(SocketHandle listener) {
    AcceptRecorder accepted = new AcceptRecorder(listener);
    listener.startAccepting(accepted);
    return accepted;
  }

  /** Both ends of a connection: the client and what the listener accepted. */
  public record Connection(SocketHandle client, SocketHandle server) {}

  /** Connects a new socket of {@code kind} to {@code listener}; the listener stops accepting. */
  public Connection connect(SocketKind kind, SocketHandle listener) throws IOException {
    AcceptRecorder accepted = accept(listener);
    SocketHandle client = backend.openSocket(kind);
    List<IOException> outcome = new ArrayList<>();
    client.connect(listener.localAddress(), outcome::add);
    pollUntil("connect and accept", () -> outcome.size() == 1 && accepted.sockets.size() == 1);
    listener.stopAccepting();
    assertEquals(null, outcome.get(0), "connect failed");
    assertEquals(List.of(), accepted.errors);
    return new Connection(client, accepted.sockets.get(0));
  }

  /** Closes the backend (and with it every socket), then checks errors and descriptors. */
  @Override
  public void close() {
    backend.close();
    assertEquals(List.of(), context.errors, "errors reported to the loop");
    fds.assertBackToBaseline();
  }
}
