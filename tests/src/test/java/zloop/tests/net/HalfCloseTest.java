package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Server;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Half-close, both ways: one side's writeEof reaches the other as eofReceived; returning true
 * keeps the connection half-open, so the other side can still write, and that data arrives.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class HalfCloseTest {
  private static final byte[] REQUEST = "a request, then EOF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLY = "the reply, written after the EOF arrived".getBytes(StandardCharsets.US_ASCII);

  /** A server that answers once the client's EOF arrives, on the half-open connection. */
  private static final class AnswerOnEof extends Recorder.Plain {
    boolean closingRightAfterEof;
    boolean closingOnTheNextTurn;

    AnswerOnEof(EventLoop loop) {
      super(loop);
      keepOpenOnEof = true;
    }

    @Override
    public boolean eofReceived() {
      boolean keep = super.eofReceived();
      closingRightAfterEof = transport.isClosing();
      loop.callSoon(
          () -> {
            closingOnTheNextTurn = transport.isClosing();
            transport.write(REPLY);
            transport.close();
          });
      return keep;
    }
  }

  @BackendTest
  void clientWriteEofThenTheServerStillWrites(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<AnswerOnEof> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    AnswerOnEof p = new AnswerOnEof(loop);
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        // The client receives through getBuffer/bufferUpdated: EOF handling of that kind too.
        Recorder.Buffered client = new Recorder.Buffered(loop);
        Connection<Recorder.Buffered> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        assertTrue(c.transport().canWriteEof());
        c.transport().write(REQUEST);
        c.transport().writeEof();
        assertFalse(c.transport().isClosing(), "writeEof closes only the write side");

        await(loop, client.eof, "the client's eofReceived after the server's reply and close");
        assertArrayEquals(REPLY, client.bytes(), "the reply written on the half-open connection");
        assertNull(await(loop, client.lost, "the client's connectionLost"));

        AnswerOnEof srv = Net.serverSide(loop, accepted, c.transport());
        assertNull(await(loop, srv.lost, "the server's connectionLost"));
        assertArrayEquals(REQUEST, srv.bytes(), "the request, complete before the EOF");
        assertEquals(1, srv.eofCalls);
        assertEquals(List.of("made", "data", "eof", "lost"), srv.events, "server events in order");
        assertFalse(srv.closingRightAfterEof, "eofReceived() returning true keeps the transport open");
        assertFalse(srv.closingOnTheNextTurn, "... also on the next turn");
        assertEquals(1, client.eofCalls);
        assertEquals(1, client.lostCalls);
        assertEquals(1, srv.lostCalls);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void serverWriteEofThenTheClientStillWrites(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Buffered> accepted = new ArrayList<>();
      Future<Void> greeted = loop.createFuture();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Buffered p =
                        new Recorder.Buffered(loop) {
                          @Override
                          public void connectionMade(zloop.Transport t) {
                            super.connectionMade(t);
                            t.write(REQUEST);
                            t.writeEof();
                            greeted.setResult(null);
                          }
                        };
                    p.expect(REPLY.length);
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        client.keepOpenOnEof = true;
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        await(loop, greeted, "the server's greeting");
        await(loop, client.eof, "the client's eofReceived after the server's writeEof");
        assertArrayEquals(REQUEST, client.bytes(), "data before the EOF");
        Net.spin(loop, 3);
        assertFalse(c.transport().isClosing(), "eofReceived() returning true keeps the client open");
        assertEquals(0, client.lostCalls);

        c.transport().write(REPLY); // the client's write side is still open
        Recorder.Buffered srv = Net.serverSide(loop, accepted, c.transport());
        await(loop, srv.gotAll, "the client's data, on the server's half-closed connection");
        assertArrayEquals(REPLY, srv.bytes());
        assertEquals(0, srv.eofCalls, "the client did not close its write side");
        assertFalse(srv.transport.isClosing(), "after writeEof the server's transport still reads");

        c.transport().close();
        assertNull(await(loop, client.lost, "the client's connectionLost"));
        await(loop, srv.eof, "the server's eofReceived when the client closes");
        assertNull(await(loop, srv.lost, "the server's connectionLost"));
        assertEquals(List.of("made", "data", "eof", "lost"), client.events, "client events in order");
        assertEquals(List.of("made", "data", "eof", "lost"), srv.events, "server events in order");
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
