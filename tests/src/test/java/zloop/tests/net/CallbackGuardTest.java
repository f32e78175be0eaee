package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.BaseProtocol;
import zloop.BufferedProtocol;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Protocol;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * One guard for every callback, whichever backend calls it: an {@link Error} that is not a {@link
 * VirtualMachineError} (an {@link AssertionError} here) thrown from a protocol method reaches the
 * exception handler like any exception, closes only that connection, and the loop keeps serving;
 * a {@link VirtualMachineError} stops the loop and comes out of {@code runUntilComplete}.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class CallbackGuardTest {

  private static final byte[] BOOM = "boom".getBytes(StandardCharsets.US_ASCII);

  /** Throws {@code failure} from dataReceived when the bytes say "boom"; echoes otherwise. */
  private static final class ThrowsOnBoom implements Protocol {
    private final Error failure;
    Transport transport;
    Throwable lost;
    int lostCalls;

    ThrowsOnBoom(Error failure) {
      this.failure = failure;
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      if (failure != null && StandardCharsets.US_ASCII.decode(data.duplicate()).toString().contains("boom")) {
        throw failure;
      }
      transport.write(data);
    }

    @Override
    public void connectionLost(Throwable exception) {
      lostCalls++;
      lost = exception;
    }
  }

  /** The buffered twin: throws from bufferUpdated. */
  private static final class BufferedThrows implements BufferedProtocol {
    private final Error failure;
    private final ByteBuffer buffer = ByteBuffer.allocate(1024);
    int lostCalls;
    Throwable lost;

    BufferedThrows(Error failure) {
      this.failure = failure;
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
      return buffer.clear();
    }

    @Override
    public void bufferUpdated(int nbytes) {
      throw failure;
    }

    @Override
    public void connectionLost(Throwable exception) {
      lostCalls++;
      lost = exception;
    }
  }

  @BackendTest
  void anAssertionErrorInDataReceivedReachesTheHandlerAndTheLoopKeepsServing(String backend) {
    AssertionError failure = new AssertionError("assertion failed in dataReceived");
    checkServerSurvives(backend, () -> new ThrowsOnBoom(failure), failure, "protocol.dataReceived()");
  }

  @BackendTest
  void anAssertionErrorInBufferUpdatedReachesTheHandlerAndTheLoopKeepsServing(String backend) {
    AssertionError failure = new AssertionError("assertion failed in bufferUpdated");
    checkServerSurvives(backend, () -> new BufferedThrows(failure), failure, "protocol.bufferUpdated()");
  }

  /**
   * The first connection's server protocol throws {@code failure} on "boom"; the next connections
   * echo. The handler hears of it with the transport and protocol, the client sees its connection
   * end, the failing protocol gets connectionLost(failure), and the next connection is served.
   */
  private static void checkServerSurvives(
      String backend, java.util.function.Supplier<BaseProtocol> faulty, Error failure, String where) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      List<BaseProtocol> made = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    BaseProtocol p = made.isEmpty() ? faulty.get() : new ThrowsOnBoom(null);
                    made.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain victim = new Recorder.Plain(loop);
        var c = await(loop, loop.createConnection(() -> victim, "127.0.0.1", port(server)), "connect");
        c.transport().write(BOOM);
        // Before the fix the AssertionError escaped runUntilComplete here.
        await(loop, victim.lost, "the client's connectionLost after the server's protocol failed");

        assertEquals(1, reported.size(), () -> "reports: " + reported);
        ExceptionContext ctx = reported.get(0);
        assertSame(failure, ctx.exception(), "the handler got the protocol's own error");
        assertTrue(ctx.message().contains(where), ctx.message());
        assertSame(made.get(0), ctx.protocol(), "the context names the protocol");
        assertNotNull(ctx.transport(), "the context names the transport");
        Net.spin(loop, 2);
        if (made.get(0) instanceof ThrowsOnBoom p) {
          assertEquals(1, p.lostCalls);
          assertSame(failure, p.lost, "connectionLost gets the error, as for any exception");
        } else {
          BufferedThrows p = (BufferedThrows) made.get(0);
          assertEquals(1, p.lostCalls);
          assertSame(failure, p.lost, "connectionLost gets the error, as for any exception");
        }

        Recorder.Plain next = new Recorder.Plain(loop);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        next.expect(hello.length);
        var c2 = await(loop, loop.createConnection(() -> next, "127.0.0.1", port(server)), "connect again");
        c2.transport().write(hello);
        await(loop, next.gotAll, "an echo on the next connection: the loop keeps serving");
        c2.transport().close();
        await(loop, next.lost, "connectionLost");
        assertTrue(server.isServing());
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** The protocol factory is user code too: its error is reported, the server keeps serving. */
  @BackendTest
  void anAssertionErrorFromAServerProtocolFactoryIsReportedAndTheServerKeepsServing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      AssertionError failure = new AssertionError("assertion failed in the protocol factory");
      int[] calls = {0};
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    if (calls[0]++ == 0) {
                      throw failure;
                    }
                    return new ThrowsOnBoom(null);
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain refused = new Recorder.Plain(loop);
        await(loop, loop.createConnection(() -> refused, "127.0.0.1", port(server)), "connect");
        // Before the fix the AssertionError escaped runUntilComplete here.
        await(loop, refused.lost, "the server closed the connection it could not serve");
        assertEquals(1, reported.size(), () -> "reports: " + reported);
        assertSame(failure, reported.get(0).exception());
        assertEquals("Error on transport creation for incoming connection", reported.get(0).message());

        Recorder.Plain next = new Recorder.Plain(loop);
        next.expect(BOOM.length - 1);
        var c2 = await(loop, loop.createConnection(() -> next, "127.0.0.1", port(server)), "connect again");
        c2.transport().write(ByteBuffer.wrap(BOOM, 1, BOOM.length - 1)); // "oom": echoed
        await(loop, next.gotAll, "an echo on the next connection");
        c2.transport().close();
        await(loop, next.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** A client's protocol factory that throws fails the createConnection future with its error. */
  @BackendTest
  void anAssertionErrorFromAClientProtocolFactoryFailsTheConnectionFuture(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      Server server =
          await(loop, loop.createServer(() -> new ThrowsOnBoom(null), "127.0.0.1", 0), "createServer");
      try {
        AssertionError failure = new AssertionError("assertion failed in the client's protocol factory");
        zloop.Future<zloop.Connection<BaseProtocol>> f =
            loop.createConnection(
                () -> {
                  throw failure;
                },
                "127.0.0.1",
                port(server));
        // Before the fix the future never completed (the socket leaked, the error went to the handler).
        long deadline = System.nanoTime() + Net.DEADLINE.toNanos();
        while (!f.isDone() && System.nanoTime() - deadline < 0) {
          loop.runUntilComplete(loop.sleep(java.time.Duration.ofMillis(1)));
        }
        assertTrue(f.isDone(), "createConnection completed");
        assertSame(failure, f.exception(), "it failed with the factory's error");
        assertEquals(List.of(), reported, "nothing else to report");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /**
   * A {@link VirtualMachineError} is not the protocol's problem to report: the loop stops and
   * runUntilComplete throws it (the documented exception to the rule). The handler never sees it.
   */
  @BackendTest
  void aVirtualMachineErrorFromDataReceivedStopsTheLoop(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      OutOfMemoryError failure = new OutOfMemoryError("simulated: the JVM ran out of memory");
      Server server =
          await(loop, loop.createServer(() -> new ThrowsOnBoom(failure), "127.0.0.1", 0), "createServer");
      Recorder.Plain victim = new Recorder.Plain(loop);
      var c = await(loop, loop.createConnection(() -> victim, "127.0.0.1", port(server)), "connect");
      c.transport().write(BOOM);
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
