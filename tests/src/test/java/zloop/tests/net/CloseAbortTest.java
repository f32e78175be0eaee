package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.crc;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;
import static zloop.tests.net.Net.size;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** close() flushes, abort() drops; connectionLost comes once, later; a reset is an error. */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class CloseAbortTest {
  /** Far more than the kernel buffers between the two ends (the peer's SO_RCVBUF is 64 KiB). */
  private static final int BIG = 32 << 20;

  @BackendTest
  void closeFlushesEverythingBufferedBeforeClosing(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        PlainPeer peer = new PlainPeer(64 * 1024)) {
      CountDownLatch go = new CountDownLatch(1);
      var read = peer.acceptThenRead(go, -1);
      Recorder.Plain r = new Recorder.Plain(loop);
      Connection<Recorder.Plain> c =
          await(loop, loop.createConnection(() -> r, "127.0.0.1", peer.port()), "connect");
      byte[] data = Net.payload(BIG, 6);
      c.transport().write(data);
      Net.spin(loop, 3);
      assertTrue(c.transport().getWriteBufferSize() > 0, "the peer is not reading: bytes stay buffered");
      c.transport().close();
      assertTrue(c.transport().isClosing());
      assertEquals(0, r.lostCalls, "connectionLost never runs inside close()");
      go.countDown(); // the peer starts reading only now

      assertNull(await(loop, r.lost, "connectionLost after the buffer was flushed"), "a graceful close");
      PlainPeer.ReadResult got = await(loop, loop.wrap(read), "the peer reading to EOF");
      assertNull(got.error(), "the peer saw a clean EOF");
      assertEquals(BIG, got.count(), "close() delivers every buffered byte");
      assertEquals(crc(data), got.crc(), "CRC32 at the peer");
      assertEquals(1, r.lostCalls);
    }
  }

  @BackendTest
  void abortDropsWhatIsBufferedAndStillReportsConnectionLost(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        PlainPeer peer = new PlainPeer(64 * 1024)) {
      CountDownLatch go = new CountDownLatch(1);
      var read = peer.acceptThenRead(go, -1);
      Recorder.Plain r = new Recorder.Plain(loop);
      Connection<Recorder.Plain> c =
          await(loop, loop.createConnection(() -> r, "127.0.0.1", peer.port()), "connect");
      c.transport().write(Net.payload(BIG, 7));
      Net.spin(loop, 3);
      long buffered = c.transport().getWriteBufferSize();
      assertTrue(buffered > 0, "the peer is not reading: bytes stay buffered");
      c.transport().abort();
      assertTrue(c.transport().isClosing());
      assertEquals(0, r.lostCalls, "connectionLost never runs inside abort()");
      assertEquals(0, c.transport().getWriteBufferSize(), "abort() drops the buffer");
      go.countDown();
      // Let the peer drain what the kernel holds before the loop turns again: whatever the loop
      // still moves after abort() then reaches the peer and shows up in its count. (This only
      // widens a window; nothing here depends on how long anything takes.)
      Thread.sleep(200);

      assertNull(await(loop, r.lost, "connectionLost after abort()"), "abort() reports connectionLost(null)");
      PlainPeer.ReadResult got = await(loop, loop.wrap(read), "the peer reading to EOF");
      assertTrue(
          got.count() <= BIG - buffered,
          "abort() sent none of the " + size(buffered) + " it had buffered; the peer got " + size(got.count()));
      assertEquals(1, r.lostCalls);
    }
  }

  /**
   * Bytes dropped by abort() are gone, and so is the memory that held them: nothing another
   * connection writes afterwards (into buffers the loop may reuse) ever reaches the aborted
   * connection's peer. The aborted stream is all 0xAA, the other all 0xBB; the first peer must see
   * only 0xAA.
   */
  @BackendTest
  void abortNeverSendsAnotherConnectionsBytes(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        PlainPeer peerA = new PlainPeer(64 * 1024);
        PlainPeer peerB = new PlainPeer(64 * 1024)) {
      CountDownLatch goA = new CountDownLatch(1);
      CountDownLatch goB = new CountDownLatch(1);
      var readA = peerA.acceptThenRead(goA, -1, 0xAA);
      var readB = peerB.acceptThenRead(goB, -1, 0xBB);
      Recorder.Plain a = new Recorder.Plain(loop);
      Recorder.Plain b = new Recorder.Plain(loop);
      Connection<Recorder.Plain> ca = await(loop, loop.createConnection(() -> a, "127.0.0.1", peerA.port()), "connect A");
      Connection<Recorder.Plain> cb = await(loop, loop.createConnection(() -> b, "127.0.0.1", peerB.port()), "connect B");
      byte[] aa = new byte[BIG];
      java.util.Arrays.fill(aa, (byte) 0xAA);
      ca.transport().write(aa);
      Net.spin(loop, 3);
      ca.transport().abort();
      byte[] bb = new byte[16 << 20];
      java.util.Arrays.fill(bb, (byte) 0xBB);
      cb.transport().write(bb); // into whatever buffers the loop has free now
      goA.countDown();
      Thread.sleep(200); // let peer A drain its kernel buffers before the loop turns (widens a window only)
      await(loop, a.lost, "A's connectionLost after abort()");
      PlainPeer.ReadResult gotA = await(loop, loop.wrap(readA), "peer A reading to EOF");
      assertEquals(0, gotA.foreign(), "bytes of another connection reached the aborted connection's peer (of " + size(gotA.count()) + ")");
      goB.countDown();
      cb.transport().close();
      await(loop, b.lost, "B's connectionLost after close()");
      PlainPeer.ReadResult gotB = await(loop, loop.wrap(readB), "peer B reading to EOF");
      assertEquals(bb.length, gotB.count(), "B's bytes all arrive at B's peer");
      assertEquals(0, gotB.foreign(), "B's peer gets only B's bytes");
    }
  }

  /** A recorder that notes whether connectionLost ran while we were inside a call to the transport. */
  private static final class LostProbe extends Recorder.Plain {
    boolean inside;
    final List<String> lostWhileInside = new ArrayList<>();
    String closeIn; // "dataReceived": close from inside dataReceived

    LostProbe(EventLoop loop) {
      super(loop);
    }

    void call(String what, Runnable r) {
      int before = lostCalls;
      inside = true;
      try {
        r.run();
      } finally {
        inside = false;
      }
      if (lostCalls != before) {
        lostWhileInside.add("connectionLost ran during " + what);
      }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      super.dataReceived(data);
      if ("dataReceived".equals(closeIn)) {
        call("close() inside dataReceived", transport::close);
      }
    }

    @Override
    public void connectionLost(Throwable exception) {
      if (inside) {
        lostWhileInside.add("connectionLost ran inside a transport call");
      }
      super.connectionLost(exception);
    }
  }

  @BackendTest
  void connectionLostRunsOnceOnALaterTurnNeverInsideCloseOrAbort(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<LostProbe> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    LostProbe p = new LostProbe(loop);
                    p.closeIn = "dataReceived";
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        // 1. close() with nothing buffered, then close() and abort() again.
        LostProbe a = new LostProbe(loop);
        Transport ta = await(loop, loop.createConnection(() -> a, "127.0.0.1", port(server)), "connect").transport();
        a.call("close()", ta::close);
        a.call("close() again", ta::close);
        a.call("abort() after close()", ta::abort);
        assertNull(await(loop, a.lost, "connectionLost after close()"));
        Net.spin(loop, 3);
        a.call("close() after connectionLost", ta::close);
        a.call("abort() after connectionLost", ta::abort);
        Net.spin(loop, 3);
        assertEquals(1, a.lostCalls, "connectionLost calls after close, close, abort, close, abort");
        assertEquals(List.of(), a.lostWhileInside);

        // 2. abort() with bytes buffered, then close().
        LostProbe b = new LostProbe(loop);
        Transport tb = await(loop, loop.createConnection(() -> b, "127.0.0.1", port(server)), "connect").transport();
        b.call("write() + abort()", () -> {
          tb.write(new byte[8 << 20]);
          tb.abort();
        });
        b.call("close() after abort()", tb::close);
        assertNull(await(loop, b.lost, "connectionLost after abort()"));
        Net.spin(loop, 3);
        assertEquals(1, b.lostCalls);
        assertEquals(List.of(), b.lostWhileInside);

        // 3. The server side closes from inside dataReceived: its connectionLost comes later.
        LostProbe c = new LostProbe(loop);
        Transport tc = await(loop, loop.createConnection(() -> c, "127.0.0.1", port(server)), "connect").transport();
        tc.write("bye".getBytes(StandardCharsets.US_ASCII));
        LostProbe srv = Net.serverSide(loop, accepted, tc);
        assertNull(await(loop, srv.lost, "the server's connectionLost after close() in dataReceived"));
        assertNull(await(loop, c.lost, "the client's connectionLost after the server closed"));
        Net.spin(loop, 3);
        assertEquals(1, srv.lostCalls);
        assertEquals(List.of("made", "data", "lost"), srv.events);
        assertEquals(List.of(), srv.lostWhileInside);
        assertEquals(1, c.lostCalls);
        for (LostProbe p : accepted) {
          await(loop, p.lost, "every server-side connectionLost");
          assertEquals(1, p.lostCalls);
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /**
   * The peer resets (SO_LINGER 0) while zloop is writing: the writer's connectionLost gets the
   * error, the exception handler stays quiet (a reset is routine), and another connection on the
   * same loop, open all along, keeps working.
   */
  @BackendTest
  void aPeerResetMidWriteIsAnErrorForThatConnectionOnly(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        PlainPeer peer = new PlainPeer(64 * 1024)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
      Server echo = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        Recorder.Plain bystander = new Recorder.Plain(loop);
        Connection<Recorder.Plain> other =
            await(loop, loop.createConnection(() -> bystander, "127.0.0.1", port(echo)), "connect bystander");

        CountDownLatch go = new CountDownLatch(1);
        go.countDown();
        var read = peer.acceptThenRead(go, 1 << 20);
        Recorder.Plain writer = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> writer, "127.0.0.1", peer.port()), "connect");
        ByteBuffer chunk = ByteBuffer.wrap(new byte[64 * 1024]);
        // Keep writing, paused or not, until the connection dies: a writer mid-stream.
        loop.callSoon(new Runnable() {
          @Override
          public void run() {
            if (!c.transport().isClosing()) {
              c.transport().write(chunk.clear());
              if (c.transport().getWriteBufferSize() < (4 << 20)) {
                loop.callSoon(this);
              } else {
                loop.callLater(java.time.Duration.ofMillis(1), this);
              }
            }
          }
        });
        Throwable error = await(loop, writer.lost, "connectionLost after the peer's reset");
        PlainPeer.ReadResult got = await(loop, loop.wrap(read), "the peer");
        assertTrue(got.count() >= 1 << 20, "the peer read before resetting");
        assertNotNull(error, "a reset is reported to connectionLost as an exception");
        assertInstanceOf(IOException.class, error, "a reset is an I/O error: " + error);
        assertNotNull(error.getMessage(), "the error says what happened");
        assertTrue(c.transport().isClosing());
        assertEquals(1, writer.lostCalls);
        assertEquals(List.of(), reported.stream().map(ExceptionContext::message).toList(), "a reset is not reported to the exception handler");

        byte[] ping = "still alive".getBytes(StandardCharsets.US_ASCII);
        bystander.expect(ping.length);
        other.transport().write(ping);
        await(loop, bystander.gotAll, "the echo on the other connection after the reset");
        assertEquals("still alive", new String(bystander.bytes(), StandardCharsets.US_ASCII));
        assertFalse(other.transport().isClosing());
        other.transport().close();
        await(loop, bystander.lost, "the bystander's connectionLost");
      } finally {
        shutdown(loop, echo);
      }
    }
  }
}
