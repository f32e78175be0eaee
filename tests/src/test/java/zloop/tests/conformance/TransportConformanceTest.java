package zloop.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.ConnectOptions;
import zloop.EventLoop;
import zloop.NetSocket;
import zloop.Transport;
import zloop.WriteBufferLimits;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Facts of CPython's test_transports.py, test_selector_events.py (socket transport) and the
 * transport checks of test_events.py, ported: each test connects a zloop client transport to a
 * plain blocking peer socket (a JDK {@link ServerSocket}), so only one side is zloop.
 */
@ExtendWith(SocketLeakCheck.class)
@Timeout(60)
class TransportConformanceTest {

  /** A zloop client transport connected to a blocking JDK peer. */
  private static final class Link implements AutoCloseable {
    final ServerSocket listener;
    final Socket peer;
    final Wire wire;
    final Transport transport;
    private final EventLoop loop;

    Link(EventLoop loop, Wire wire) throws IOException {
      this.loop = loop;
      this.listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
      this.wire = wire;
      Connection<Wire> c;
      try {
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
          try {
            return listener.accept();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        c = Turns.await(loop, loop.createConnection(() -> wire, "127.0.0.1", listener.getLocalPort(), ConnectOptions.DEFAULT), "createConnection");
        this.peer = accepted.get(30, TimeUnit.SECONDS);
        this.peer.setSoTimeout(30_000);
      } catch (Exception e) {
        listener.close();
        throw new IOException(e);
      }
      this.transport = c.transport();
    }

    byte[] peerReads(int n) throws IOException {
      return peer.getInputStream().readNBytes(n);
    }

    @Override
    public void close() throws IOException {
      try {
        if (!wire.lost.isDone()) {
          transport.abort(); // also after close(): nothing may stay open when the loop closes
          Turns.await(loop, wire.lost, "connectionLost before the test ends");
        }
      } finally {
        peer.close();
        listener.close();
      }
    }
  }

  private static Link link(EventLoop loop) throws IOException {
    return new Link(loop, new Wire(loop));
  }

  /** Bytes the peer reads until EOF, read on another thread while the loop runs. */
  private static CompletableFuture<byte[]> readAllAsync(Socket peer) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = peer.getInputStream()) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Bytes the peer reads until EOF, leaving its socket open (its write side included). */
  private static CompletableFuture<byte[]> readUntilEofAsync(Socket peer) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        InputStream in = peer.getInputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
        }
        return out.toByteArray();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static void runUntil(EventLoop loop, CompletableFuture<?> cf, String what) {
    Turns.await(loop, loop.wrap(cf), what);
  }

  @BackendTest
  void extraInfoGivesPeernameSocknameAndSocket(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertEquals(l.peer.getLocalSocketAddress(), l.transport.getExtraInfo("peername"));
      assertEquals(l.peer.getRemoteSocketAddress(), l.transport.getExtraInfo("sockname"));
      NetSocket s = (NetSocket) l.transport.getExtraInfo("socket");
      assertEquals(l.transport.getExtraInfo("sockname"), s.localAddress());
      assertEquals(backend, l.transport.getExtraInfo("backend"));
    }
  }

  @BackendTest
  void extraInfoOfAnUnknownNameIsNull(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertNull(l.transport.getExtraInfo("no such key"));
    }
  }

  @BackendTest
  void writeSendsBytesInOrder(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.transport.write("abc".getBytes(StandardCharsets.US_ASCII));
      l.transport.write(ByteBuffer.wrap("def".getBytes(StandardCharsets.US_ASCII)));
      Turns.briefly(loop);
      assertEquals("abcdef", new String(l.peerReads(6), StandardCharsets.US_ASCII));
    }
  }

  @BackendTest
  void writelinesSendsTheBuffersConcatenated(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.transport.writeLines(List.of(ByteBuffer.wrap(new byte[] {'l', 'i'}), ByteBuffer.wrap(new byte[] {'n', 'e'}), ByteBuffer.wrap(new byte[] {'1'})));
      Turns.briefly(loop);
      assertEquals("line1", new String(l.peerReads(5), StandardCharsets.US_ASCII));
    }
  }

  @BackendTest
  void writingAnEmptyBufferSendsNothingAndBuffersNothing(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.transport.write(new byte[0]);
      assertEquals(0, l.transport.getWriteBufferSize());
      l.transport.write("x".getBytes(StandardCharsets.US_ASCII));
      Turns.briefly(loop);
      assertEquals("x", new String(l.peerReads(1), StandardCharsets.US_ASCII));
    }
  }

  @BackendTest
  void writeConsumesTheCallersBuffer(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      ByteBuffer b = ByteBuffer.wrap("consumed".getBytes(StandardCharsets.US_ASCII));
      l.transport.write(b);
      assertFalse(b.hasRemaining());
      b.clear();
      b.put("XXXXXXXX".getBytes(StandardCharsets.US_ASCII)); // reusing it must not change what is sent
      Turns.briefly(loop);
      assertEquals("consumed", new String(l.peerReads(8), StandardCharsets.US_ASCII));
    }
  }

  @BackendTest
  void dataFromThePeerArrivesInOrder(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      byte[] data = new byte[200_000];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i % 251);
      }
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        try {
          l.peer.getOutputStream().write(data);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertArrayEquals(data, Turns.await(loop, l.wire.expect(data.length), "all bytes"));
      runUntil(loop, sent, "the peer's write");
    }
  }

  @BackendTest
  void canWriteEofIsTrueForTcp(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertTrue(l.transport.canWriteEof());
    }
  }

  @BackendTest
  void writeEofSendsBufferedBytesThenEofAndKeepsReading(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      CompletableFuture<byte[]> all = readUntilEofAsync(l.peer);
      l.transport.write("before eof".getBytes(StandardCharsets.US_ASCII));
      l.transport.writeEof();
      l.transport.writeEof(); // twice is harmless
      runUntil(loop, all, "the peer to read up to EOF");
      assertEquals("before eof", new String(all.join(), StandardCharsets.US_ASCII));
      Turns.briefly(loop);
      assertFalse(l.transport.isClosing(), "the read side stays open");
      l.peer.getOutputStream().write("still read".getBytes(StandardCharsets.US_ASCII));
      assertEquals("still read", new String(Turns.await(loop, l.wire.expect(10), "data after writeEof"), StandardCharsets.US_ASCII));
    }
  }

  @BackendTest
  void writeAfterWriteEofThrows(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.transport.writeEof();
      assertThrows(IllegalStateException.class, () -> l.transport.write("late".getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @BackendTest
  void isClosingAfterCloseAndConnectionLostFollowsOnceWithNull(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertFalse(l.transport.isClosing());
      l.transport.close();
      assertTrue(l.transport.isClosing());
      assertEquals(0, l.wire.lostCalls, "connectionLost never runs inside close()");
      l.transport.close();
      assertNull(Turns.await(loop, l.wire.lost, "connectionLost"));
      Turns.briefly(loop);
      assertEquals(1, l.wire.lostCalls);
    }
  }

  @BackendTest
  void closeSendsWhatIsBufferedBeforeClosing(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      byte[] data = new byte[4 << 20];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i * 7);
      }
      l.transport.write(data);
      l.transport.close();
      CompletableFuture<byte[]> all = readAllAsync(l.peer);
      Turns.await(loop, l.wire.lost, "connectionLost after the flush");
      runUntil(loop, all, "the peer to read up to EOF");
      assertArrayEquals(data, all.join());
    }
  }

  @BackendTest
  void writeAfterCloseIsIgnored(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      CompletableFuture<byte[]> all = readAllAsync(l.peer);
      l.transport.write("kept".getBytes(StandardCharsets.US_ASCII));
      // asyncio drops writes after close() once its buffer is empty (with bytes still buffered,
      // close() waits for them and a later write joins them): wait until the kernel has them
      for (int i = 0; i < 1000 && l.transport.getWriteBufferSize() > 0; i++) {
        loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
      }
      assertEquals(0, l.transport.getWriteBufferSize(), "the first write left the buffer");
      l.transport.close();
      l.transport.write("dropped".getBytes(StandardCharsets.US_ASCII));
      Turns.await(loop, l.wire.lost, "connectionLost");
      runUntil(loop, all, "the peer to read up to EOF");
      assertEquals("kept", new String(all.join(), StandardCharsets.US_ASCII));
    }
  }

  @BackendTest
  void abortDropsBufferedDataAndLosesTheConnectionWithNull(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.peer.setReceiveBufferSize(4096);
      byte[] chunk = new byte[1 << 20];
      for (int i = 0; i < 64 && l.transport.getWriteBufferSize() == 0; i++) {
        l.transport.write(chunk);
      }
      assertTrue(l.transport.getWriteBufferSize() > 0, "something is buffered");
      l.transport.abort();
      assertTrue(l.transport.isClosing());
      assertNull(Turns.await(loop, l.wire.lost, "connectionLost after abort"));
      assertEquals(1, l.wire.lostCalls);
    }
  }

  @BackendTest
  void writeBufferLimitsDefaultTo64KiBAnd16KiB(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertEquals(new WriteBufferLimits(64 * 1024, 16 * 1024), l.transport.getWriteBufferLimits());
      assertEquals(0, l.transport.getWriteBufferSize());
    }
  }

  @BackendTest
  void setWriteBufferLimitsRejectsHighBelowLow(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertThrows(IllegalArgumentException.class, () -> l.transport.setWriteBufferLimits(WriteBufferLimits.of(0, 1)));
      assertEquals(WriteBufferLimits.DEFAULT, l.transport.getWriteBufferLimits(), "a refused setting changes nothing");
    }
  }

  @BackendTest
  void setWriteBufferLimitsDerivesAMissingWatermark(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.transport.setWriteBufferLimits(WriteBufferLimits.of(1024, 128));
      assertEquals(new WriteBufferLimits(1024, 128), l.transport.getWriteBufferLimits());
      l.transport.setWriteBufferLimits(WriteBufferLimits.ofHigh(4096));
      assertEquals(new WriteBufferLimits(4096, 1024), l.transport.getWriteBufferLimits());
      l.transport.setWriteBufferLimits(WriteBufferLimits.ofLow(100));
      assertEquals(new WriteBufferLimits(400, 100), l.transport.getWriteBufferLimits());
      l.transport.setWriteBufferLimits(WriteBufferLimits.DEFAULT);
      assertEquals(WriteBufferLimits.DEFAULT, l.transport.getWriteBufferLimits());
    }
  }

  @BackendTest
  void loweringTheHighWatermarkBelowTheBufferedSizePausesTheProtocolAtOnce(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.peer.setReceiveBufferSize(4096);
      byte[] chunk = new byte[16 * 1024];
      for (int i = 0; i < 4096 && l.transport.getWriteBufferSize() == 0; i++) {
        l.transport.write(chunk);
      }
      long buffered = l.transport.getWriteBufferSize();
      assertTrue(buffered > 0 && buffered <= 64 * 1024 + chunk.length, "buffered " + buffered);
      int pausesBefore = l.wire.pauseWritingCalls;
      l.transport.setWriteBufferLimits(WriteBufferLimits.of(1, 0));
      assertEquals(pausesBefore + 1, l.wire.pauseWritingCalls, "paused by setWriteBufferLimits itself");
    }
  }

  @BackendTest
  void pauseAndResumeReadingAreIdempotent(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertTrue(l.transport.isReading());
      l.transport.pauseReading();
      l.transport.pauseReading();
      assertFalse(l.transport.isReading());
      l.transport.resumeReading();
      l.transport.resumeReading();
      assertTrue(l.transport.isReading());
      l.transport.close();
      assertFalse(l.transport.isReading(), "a closing transport does not read");
    }
  }

  @BackendTest
  void noDataArrivesWhileReadingIsPausedAndAllOfItAfterResume(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.transport.pauseReading();
      l.peer.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
      Turns.await(loop, loop.sleep(Duration.ofMillis(20)), "a pause");
      Turns.briefly(loop);
      assertEquals(0, l.wire.received.size(), "nothing delivered while paused");
      l.transport.resumeReading();
      assertEquals("held", new String(Turns.await(loop, l.wire.expect(4), "the held bytes"), StandardCharsets.US_ASCII));
    }
  }

  @BackendTest
  void pausingReadingInConnectionMadeHoldsTheFirstBytes(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Wire wire = new Wire(loop);
      wire.pauseOnConnect = true;
      try (Link l = new Link(loop, wire)) {
        assertFalse(l.transport.isReading());
        l.peer.getOutputStream().write("early".getBytes(StandardCharsets.US_ASCII));
        Turns.await(loop, loop.sleep(Duration.ofMillis(20)), "a pause");
        assertEquals(0, wire.received.size());
        l.transport.resumeReading();
        assertTrue(l.transport.isReading());
        assertEquals("early", new String(Turns.await(loop, wire.expect(5), "the early bytes"), StandardCharsets.US_ASCII));
      }
    }
  }

  @BackendTest
  void eofReceivedReturningFalseClosesTheTransport(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.peer.shutdownOutput();
      Turns.await(loop, l.wire.eof, "eofReceived");
      assertNull(Turns.await(loop, l.wire.lost, "connectionLost after EOF"));
      assertTrue(l.transport.isClosing());
    }
  }

  @BackendTest
  void eofReceivedReturningTrueKeepsTheWriteSideOpen(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Wire wire = new Wire(loop);
      wire.keepOpenOnEof = true;
      try (Link l = new Link(loop, wire)) {
        l.peer.shutdownOutput();
        Turns.await(loop, wire.eof, "eofReceived");
        Turns.briefly(loop);
        assertFalse(wire.lost.isDone());
        assertFalse(l.transport.isClosing());
        l.transport.write("reply".getBytes(StandardCharsets.US_ASCII));
        Turns.briefly(loop);
        assertEquals("reply", new String(l.peerReads(5), StandardCharsets.US_ASCII));
        l.transport.close();
        Turns.await(loop, wire.lost, "connectionLost");
      }
    }
  }

  @BackendTest
  void setProtocolRoutesLaterEventsToTheNewProtocol(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertSame(l.wire, l.transport.getProtocol());
      Wire second = new Wire(loop);
      l.transport.setProtocol(second);
      assertSame(second, l.transport.getProtocol());
      l.peer.getOutputStream().write("to second".getBytes(StandardCharsets.US_ASCII));
      assertEquals("to second", new String(Turns.await(loop, second.expect(9), "data on the new protocol"), StandardCharsets.US_ASCII));
      assertEquals(0, l.wire.received.size());
      l.transport.setProtocol(l.wire); // so that the link's teardown hears connectionLost
    }
  }

  @BackendTest
  void aPeerResetReachesConnectionLostAsAnException(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      l.peer.setSoLinger(true, 0);
      l.peer.close(); // RST
      Throwable lost = Turns.await(loop, l.wire.lost, "connectionLost after a reset");
      // asyncio hands the read error (ConnectionResetError) to connection_lost
      assertTrue(lost instanceof IOException, "connectionLost(" + lost + ")");
    }
  }

  @BackendTest
  void connectionMadeRunsBeforeAnyData(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        Link l = link(loop)) {
      assertTrue(l.wire.made.isDone());
      assertSame(l.transport, l.wire.made.result());
      assertEquals(0, l.wire.received.size());
      assertEquals(InetSocketAddress.class, l.transport.getExtraInfo("peername").getClass());
    }
  }
}
