package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import zloop.BufferedProtocol;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Protocol;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * "An exception thrown from a protocol method goes to the loop's exception handler and closes
 * the connection": the handler gets the exception with the transport and protocol, the peer sees
 * the connection end, the server keeps serving, and the loop never stops. ({@code connectionMade}
 * follows asyncio's own rule: see ConnectionMadeErrorTest.)
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class ProtocolErrorsTest {

  /** Throws from the named callback; echoes otherwise. */
  private static final class Faulty implements Protocol {
    final String where;
    Transport transport;
    int lost;

    Faulty(String where) {
      this.where = where;
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
      if (where.equals("connectionMade")) {
        throw new IllegalStateException("boom in connectionMade");
      }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      if (where.equals("dataReceived") && StandardCharsets.US_ASCII.decode(data.duplicate()).toString().contains("boom")) {
        throw new IllegalStateException("boom in dataReceived");
      }
      transport.write(data);
    }

    @Override
    public void connectionLost(Throwable exception) {
      lost++;
    }
  }

  /** A BufferedProtocol whose getBuffer returns an empty buffer: a protocol bug, not a loop bug. */
  private static final class EmptyBuffer implements BufferedProtocol {
    int lost;

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
      return ByteBuffer.allocate(0);
    }

    @Override
    public void bufferUpdated(int nbytes) {}

    @Override
    public void connectionLost(Throwable exception) {
      lost++;
    }
  }

  @BackendTest
  void anExceptionInDataReceivedIsReportedAndClosesOnlyThatConnection(String backend) {
    check(backend, "dataReceived", "boom in dataReceived");
  }

  @BackendTest
  void anEmptyBufferFromGetBufferIsReportedAndClosesOnlyThatConnection(String backend) {
    check(backend, "getBuffer", null);
  }

  private static void check(String backend, String where, String message) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      List<Object> made = new ArrayList<>();
      int[] n = {0};
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    // The first connection is the faulty one; the next ones echo.
                    Object p = n[0]++ == 0 ? (where.equals("getBuffer") ? new EmptyBuffer() : new Faulty(where)) : new Faulty("nowhere");
                    made.add(p);
                    return (zloop.BaseProtocol) p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain victim = new Recorder.Plain(loop);
        var c = await(loop, loop.createConnection(() -> victim, "127.0.0.1", port(server)), "connect");
        c.transport().write("boom".getBytes(StandardCharsets.US_ASCII));
        await(loop, victim.lost, "the client's connectionLost after the server's protocol failed");
        assertEquals(0, victim.received, "the failing protocol echoed nothing");

        assertEquals(1, reported.size(), "reports: " + reported);
        ExceptionContext ctx = reported.get(0);
        assertTrue(ctx.exception() instanceof RuntimeException, "the protocol's exception: " + ctx);
        if (message != null) {
          assertInstanceOf(IllegalStateException.class, ctx.exception());
          assertEquals(message, ctx.exception().getMessage());
        }
        assertSame(made.get(0), ctx.protocol(), "the context names the protocol");
        assertTrue(ctx.transport() instanceof Transport, "the context names the transport: " + ctx);
        Net.spin(loop, 2);
        int lost = made.get(0) instanceof Faulty f ? f.lost : ((EmptyBuffer) made.get(0)).lost;
        assertEquals(1, lost, "the failing protocol still gets its connectionLost");

        // The server and the loop go on.
        Recorder.Plain next = new Recorder.Plain(loop);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        next.expect(hello.length);
        var c2 = await(loop, loop.createConnection(() -> next, "127.0.0.1", port(server)), "connect again");
        c2.transport().write(hello);
        await(loop, next.gotAll, "an echo on the next connection");
        c2.transport().close();
        await(loop, next.lost, "connectionLost");
        assertTrue(server.isServing());
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
