package zloop.tests.net;

import java.util.concurrent.CompletionException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Server;
import zloop.ServerOptions;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * The engine's callback rule holds behind TLS too: an {@link Error} short of a {@link
 * VirtualMachineError} (an {@link AssertionError} here) thrown by the application's protocol is
 * handled by the TLS layer exactly as an exception is. The handler hears of it with the TLS
 * transport and the application's protocol, the TLS layer ends that connection (as asyncio's
 * {@code sslproto._fatal_error}: the raw transport is aborted, no close_notify), the protocol hears
 * {@code connectionLost} with the error, and the server keeps serving TLS. A {@link
 * VirtualMachineError} still stops the loop.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class TlsCallbackGuardTest {
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  private static TlsOptions serverTls() {
    return TlsOptions.of(TlsCerts.get().context("server"));
  }

  private static ConnectOptions clientTls() {
    return ConnectOptions.DEFAULT.withTls(TlsOptions.of(TlsCerts.get().clientContext()).withServerHostname("localhost"));
  }

  /** Echoes what it receives: the well-behaved protocol of the connections after the failure. */
  private static final class Echo extends Recorder.Plain {
    Echo(EventLoop loop) {
      super(loop);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      byte[] copy = new byte[data.remaining()];
      data.duplicate().get(copy);
      super.dataReceived(data);
      transport.write(copy);
    }
  }

  @BackendTest
  void anAssertionErrorInDataReceivedBehindTlsIsHandledByTheTlsLayer(String backend) {
    AssertionError failure = new AssertionError("assertion failed in dataReceived behind TLS");
    checkTlsServerSurvives(
        backend,
        loop ->
            new Recorder.Plain(loop) {
              @Override
              public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                throw failure;
              }
            },
        failure,
        "dataReceived");
  }

  @BackendTest
  void anAssertionErrorInConnectionMadeBehindTlsFailsTheConnection(String backend) {
    AssertionError failure = new AssertionError("assertion failed in connectionMade behind TLS");
    checkTlsServerSurvives(
        backend,
        loop ->
            new Recorder.Plain(loop) {
              @Override
              public void connectionMade(Transport t) {
                super.connectionMade(t);
                throw failure;
              }
            },
        failure,
        "connectionMade");
  }

  @BackendTest
  void anAssertionErrorInGetBufferBehindTlsIsHandledByTheTlsLayer(String backend) {
    AssertionError failure = new AssertionError("assertion failed in getBuffer behind TLS");
    checkTlsServerSurvives(
        backend,
        loop ->
            new Recorder.Buffered(loop) {
              @Override
              public ByteBuffer getBuffer(int sizeHint) {
                throw failure;
              }
            },
        failure,
        "getBuffer");
  }

  /**
   * The first connection's server protocol (made by {@code faulty}) throws {@code failure}; the
   * next ones echo. The client writes once, so whatever callback throws is reached.
   */
  private static void checkTlsServerSurvives(
      String backend, Function<EventLoop, Recorder> faulty, Error failure, String where) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      List<Recorder> made = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder p = made.isEmpty() ? faulty.apply(loop) : new Echo(loop);
                    made.add(p);
                    return p.protocol();
                  },
                  "127.0.0.1",
                  0,
                  ServerOptions.DEFAULT.withTls(serverTls())),
              "TLS server");
      try {
        Recorder.Plain victim = new Recorder.Plain(loop);
        // A server failing in connectionMade may end the connection before or after the client's
        // handshake is done: the client sees a failed connect or a lost connection.
        Object connected =
            TlsSupport.outcome(loop, loop.createConnection(() -> victim, "127.0.0.1", port(server), clientTls()), "connect");
        if (connected instanceof Connection<?> c) {
          c.transport().write(HELLO);
          await(loop, victim.lost, "the client's connectionLost after the server's protocol failed");
        }

        Recorder failed = made.get(0);
        Throwable lost = await(loop, failed.lost, "the failing protocol's connectionLost");
        assertSame(failure, lost, "connectionLost gets the error, as for any exception");
        Net.spin(loop, 2);
        assertEquals(1, failed.lostCalls, "connectionLost once");
        assertEquals(1, reported.size(), () -> "reported once: " + reported);
        ExceptionContext ctx = reported.get(0);
        assertSame(failure, ctx.exception(), "the handler got the protocol's own error");
        assertTrue(ctx.message().contains(where), ctx.message());
        assertSame(failed, ctx.protocol(), "the context names the application's protocol");
        assertSame(failed.transport, ctx.transport(), "the context names the TLS transport");

        Echo next = new Echo(loop);
        next.expect(HELLO.length);
        Connection<Echo> c2 =
            await(loop, loop.createConnection(() -> next, "127.0.0.1", port(server), clientTls()), "connect again");
        c2.transport().write(HELLO);
        await(loop, next.gotAll, "an echo on the next TLS connection: the server keeps serving");
        c2.transport().close();
        await(loop, next.lost, "connectionLost after close");
        assertTrue(server.isServing());
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /**
   * A client whose connectionMade throws: the TLS layer fails the connection, so createConnection
   * fails with the error, and the handler hears of it once.
   */
  @BackendTest
  void anAssertionErrorInAClientsConnectionMadeFailsCreateConnection(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      List<Echo> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Echo e = new Echo(loop);
                    accepted.add(e);
                    return e;
                  },
                  "127.0.0.1",
                  0,
                  ServerOptions.DEFAULT.withTls(serverTls())),
              "TLS server");
      try {
        AssertionError failure = new AssertionError("assertion failed in a client's connectionMade");
        Recorder.Plain client =
            new Recorder.Plain(loop) {
              @Override
              public void connectionMade(Transport t) {
                super.connectionMade(t);
                throw failure;
              }
            };
        var connect = loop.createConnection(() -> client, "127.0.0.1", port(server), clientTls());
        // runUntilComplete wraps the future's Error, as join() wraps every failure
        CompletionException thrown =
            assertThrows(CompletionException.class, () -> await(loop, connect, "connect"));
        assertSame(failure, thrown.getCause(), "createConnection fails with the callback's error");
        await(loop, client.lost, "the client's connectionLost");
        Net.spin(loop, 2);
        assertEquals(1, reported.size(), () -> "reported once: " + reported);
        assertSame(failure, reported.get(0).exception());
        assertSame(client, reported.get(0).protocol());
        assertTrue(reported.get(0).message().contains("connectionMade"), reported.get(0).message());
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** The one exception to the rule holds behind TLS: a VirtualMachineError stops the loop. */
  @BackendTest
  void aVirtualMachineErrorInDataReceivedBehindTlsStopsTheLoop(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      OutOfMemoryError failure = new OutOfMemoryError("simulated: the JVM ran out of memory");
      Server server =
          await(
              loop,
              loop.createServer(
                  () ->
                      new Recorder.Plain(loop) {
                        @Override
                        public void dataReceived(ByteBuffer data) {
                          throw failure;
                        }
                      },
                  "127.0.0.1",
                  0,
                  ServerOptions.DEFAULT.withTls(serverTls())),
              "TLS server");
      Recorder.Plain victim = new Recorder.Plain(loop);
      Connection<Recorder.Plain> c =
          await(loop, loop.createConnection(() -> victim, "127.0.0.1", port(server), clientTls()), "connect");
      c.transport().write(HELLO);
      OutOfMemoryError thrown =
          assertThrows(OutOfMemoryError.class, () -> await(loop, victim.lost, "never: the loop stops first"));
      assertSame(failure, thrown);
      assertEquals(List.of(), reported, "the handler is not called for a VirtualMachineError");
      assertTrue(!loop.isRunning(), "the loop stopped");
      server.close();
      // close() releases the sockets the failed turn left behind (FdLeakCheck checks it).
    }
  }
}
