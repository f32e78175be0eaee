package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.EventLoop;
import zloop.ReadingFollowsWriting;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * A stream transport's state is readable: its {@code toString()} names the lifecycle step (OPEN,
 * CLOSING while a graceful close sends the buffer, ENDING once {@code connectionLost} is
 * scheduled, CLOSED after it ran) and the write side's half-close, so a test or a debugger sees
 * where a connection is. The steps are asyncio's ({@code _closing}, {@code _conn_lost}) made into
 * one value. Also: a {@link ReadingFollowsWriting} that is neither stream kind is refused.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class TransportStateTest {
  /** Enough that the kernel's socket buffers cannot take it all while the peer does not read. */
  private static final int BIG = 32 << 20;

  private static Server server(EventLoop loop, List<Recorder.Plain> accepted, boolean paused) {
    return await(
        loop,
        loop.createServer(
            () -> {
              Recorder.Plain p =
                  new Recorder.Plain(loop) {
                    @Override
                    public void connectionMade(Transport t) {
                      super.connectionMade(t);
                      if (paused) {
                        t.pauseReading();
                      }
                    }
                  };
              accepted.add(p);
              return p;
            },
            "127.0.0.1",
            0),
        "createServer");
  }

  private static void assertState(Transport t, String step) {
    String s = t.toString();
    assertTrue(s.contains(", " + step), "expected " + step + " in " + s);
  }

  /** A test's body, run on a connected client transport and the server's side of it. */
  private interface OnConnection {
    void run(EventLoop loop, Transport t, Recorder.Plain client, Recorder.Plain peer);
  }

  private static void onConnection(String backend, boolean peerPaused, OnConnection body) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server = server(loop, accepted, peerPaused);
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        Recorder.Plain peer = Net.serverSide(loop, accepted, c.transport());
        await(loop, peer.made, "the server's connectionMade");
        body.run(loop, c.transport(), client, peer);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aGracefulCloseIsClosingWhileTheBufferDrainsThenClosed(String backend) {
    onConnection(
        backend,
        true,
        (loop, t, client, peer) -> {
          assertState(t, "OPEN");
          t.write(new byte[BIG]);
          assertTrue(t.getWriteBufferSize() > 0, "the peer does not read: bytes stay buffered");
          t.close();
          assertTrue(t.isClosing());
          assertState(t, "CLOSING");
          Net.spin(loop, 3);
          assertState(t, "CLOSING"); // still sending, nobody hears connectionLost yet
          assertEquals(0, client.lostCalls);

          peer.expect(BIG);
          peer.transport.resumeReading();
          await(loop, peer.gotAll, "the peer reading everything the close flushed");
          assertNull(await(loop, client.lost, "connectionLost after the flush"));
          assertState(t, "CLOSED");
          assertEquals(BIG, peer.received);
        });
  }

  @BackendTest
  void anAbortIsEndingAtOnceThenClosed(String backend) {
    onConnection(
        backend,
        true,
        (loop, t, client, peer) -> {
          t.write(new byte[BIG]);
          t.abort();
          assertState(t, "ENDING");
          assertEquals(0, client.lostCalls, "connectionLost comes on a later turn");
          t.close(); // a no-op now: it must not move the state back
          assertState(t, "ENDING");
          assertNull(await(loop, client.lost, "connectionLost after abort()"));
          assertState(t, "CLOSED");
          assertEquals(1, client.lostCalls);
        });
  }

  @BackendTest
  void writeEofShowsOnTheWriteSideAndTheConnectionStaysOpen(String backend) {
    onConnection(
        backend,
        false,
        (loop, t, client, peer) -> {
          peer.keepOpenOnEof = true;
          t.writeEof();
          assertState(t, "OPEN, write EOF_SENT");
          assertFalse(t.isClosing(), "a half-close is not a close");
          await(loop, peer.eof, "the peer's eofReceived");
          assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
          t.close();
          assertNull(await(loop, client.lost, "connectionLost after close()"));
          assertState(t, "CLOSED, write EOF_SENT");
        });
  }

  /** A mixin on its own: the transport refuses it and keeps feeding the protocol it has. */
  private static final class MixinOnly implements ReadingFollowsWriting {
    @Override
    public Transport transport() {
      return null;
    }
  }

  @BackendTest
  void aReadingFollowsWritingThatIsNoStreamKindIsRefused(String backend) {
    onConnection(
        backend,
        false,
        (loop, t, client, peer) -> {
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> t.setProtocol(new MixinOnly()));
          assertTrue(e.getMessage().contains("Protocol or BufferedProtocol"), e.getMessage());
          assertSame(client, t.getProtocol(), "the protocol it had stays");
          peer.expect(3);
          t.write(new byte[] {1, 2, 3});
          await(loop, peer.gotAll, "the connection still works");
          t.close();
          await(loop, client.lost, "connectionLost");
        });
  }
}
