package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * asyncio's rule for a {@code connectionMade} that throws (uvloop's {@code
 * test_tcp_handle_exception_in_connection_made}): the exception goes to the exception handler,
 * and that is all. The transport stays open and reads, {@code createConnection} still completes,
 * and the connection ends when the application closes it, with {@code connectionLost(null)}.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class ConnectionMadeErrorTest {

  private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

  /** A recorder whose connectionMade throws after keeping the transport. */
  private static final class ThrowsInConnectionMade extends Recorder.Plain {
    private final Throwable failure;

    ThrowsInConnectionMade(EventLoop loop, Throwable failure) {
      super(loop);
      this.failure = failure;
    }

    @Override
    public void connectionMade(Transport t) {
      super.connectionMade(t);
      if (failure instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) failure;
    }
  }

  /** An echo whose connectionMade throws after keeping the transport. */
  private static final class EchoThrowsInConnectionMade extends Echo.Plain {
    private final Error failure;
    Throwable lost = new IllegalStateException("connectionLost not called");

    EchoThrowsInConnectionMade(Error failure) {
      this.failure = failure;
    }

    @Override
    public void connectionMade(Transport t) {
      super.connectionMade(t);
      throw failure;
    }

    @Override
    public void connectionLost(Throwable exception) {
      lost = exception;
    }
  }

  @BackendTest
  void aClientWhoseConnectionMadeThrowsStillGetsItsConnection(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        ArithmeticException failure = new ArithmeticException("/ by zero");
        ThrowsInConnectionMade client = new ThrowsInConnectionMade(loop, failure);
        var c = await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "createConnection still completes");
        assertSame(client, c.protocol());

        assertEquals(1, reported.size(), () -> "reports: " + reported);
        ExceptionContext ctx = reported.get(0);
        assertSame(failure, ctx.exception());
        assertEquals("Exception in protocol.connectionMade()", ctx.message());
        assertSame(c.transport(), ctx.transport(), "the context names the transport");
        assertSame(client, ctx.protocol(), "the context names the protocol");

        assertFalse(c.transport().isClosing(), "the transport is the application's to close");
        client.expect(PING.length);
        c.transport().write(PING);
        await(loop, client.gotAll, "the echo: the transport reads");

        c.transport().close();
        assertNull(await(loop, client.lost, "connectionLost"), "a normal close: connectionLost(null)");
        assertEquals(1, reported.size(), () -> "nothing else reported: " + reported);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aServerProtocolWhoseConnectionMadeThrowsAnAssertionErrorKeepsServing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      AssertionError failure = new AssertionError("assertion failed in connectionMade");
      List<EchoThrowsInConnectionMade> made = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    EchoThrowsInConnectionMade p = new EchoThrowsInConnectionMade(failure);
                    made.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        var c = await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        client.expect(PING.length);
        c.transport().write(PING);
        // Before the fix the AssertionError escaped runUntilComplete (and an exception closed the connection).
        await(loop, client.gotAll, "the echo from the server protocol whose connectionMade threw");

        assertEquals(1, reported.size(), () -> "reports: " + reported);
        assertSame(failure, reported.get(0).exception());
        assertSame(made.get(0), reported.get(0).protocol());
        assertInstanceOf(Transport.class, reported.get(0).transport());

        c.transport().close(); // the server protocol's eofReceived returns false: it closes too
        await(loop, client.lost, "the client's connectionLost");
        Net.spin(loop, 2);
        assertNull(made.get(0).lost, "the server protocol's connectionLost(null)");
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
