package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.crc;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.EventLoop;
import zloop.NetSocket;
import zloop.Server;
import zloop.Transport;
import zloop.WriteBufferLimits;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** The Transport API surface: extra info, watermarks, buffer size, writelines, EOF rules, closing. */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class TransportApiTest {

  /** A server of recorders, a client connected to it, and the server side of that client. */
  private record Pair(Server server, Connection<Recorder.Plain> client, Recorder.Plain serverSide) {}

  private static Pair connect(EventLoop loop, List<Recorder.Plain> accepted) {
    Server server =
        await(
            loop,
            loop.createServer(
                () -> {
                  Recorder.Plain p = new Recorder.Plain(loop);
                  accepted.add(p);
                  return p;
                },
                "127.0.0.1",
                0),
            "createServer");
    Recorder.Plain r = new Recorder.Plain(loop);
    Connection<Recorder.Plain> c = await(loop, loop.createConnection(() -> r, "127.0.0.1", port(server)), "connect");
    return new Pair(server, c, Net.serverSide(loop, accepted, c.transport()));
  }

  @BackendTest
  void extraInfoNamesBothEndsTheSocketAndTheBackend(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Pair p = connect(loop, new ArrayList<>());
      try {
        Transport client = p.client().transport();
        Transport server = p.serverSide().transport;
        InetSocketAddress clientLocal = assertInstanceOf(InetSocketAddress.class, client.getExtraInfo("sockname"));
        InetSocketAddress clientPeer = assertInstanceOf(InetSocketAddress.class, client.getExtraInfo("peername"));
        assertEquals(port(p.server()), clientPeer.getPort());
        assertEquals("127.0.0.1", clientPeer.getAddress().getHostAddress());
        assertEquals(clientLocal, server.getExtraInfo("peername"));
        assertEquals(clientPeer, server.getExtraInfo("sockname"));

        NetSocket socket = assertInstanceOf(NetSocket.class, client.getExtraInfo("socket"));
        assertEquals(clientLocal, socket.localAddress());
        assertEquals(clientPeer, socket.remoteAddress());
        assertTrue(socket.isOpen());
        if (backend.equals("nio")) {
          assertEquals(-1, socket.fd(), "nio has no file descriptors");
        } else {
          assertTrue(socket.fd() >= 0, "a native socket's fd: " + socket.fd());
        }
        assertTrue(socket.getOption(java.net.StandardSocketOptions.TCP_NODELAY), "TCP_NODELAY is set on connections");
        NetSocket serverSocket = assertInstanceOf(NetSocket.class, server.getExtraInfo("socket"));
        assertTrue(serverSocket.getOption(java.net.StandardSocketOptions.TCP_NODELAY), "TCP_NODELAY on accepted connections");
        assertEquals(backend, client.getExtraInfo("backend"));
        assertNull(client.getExtraInfo("no such thing"));
        assertSame(p.client().protocol(), client.getProtocol());

        client.close();
        await(loop, p.client().protocol().lost, "connectionLost");
        assertFalse(socket.isOpen(), "the transport's socket is closed after connectionLost");
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      } finally {
        shutdown(loop, p.server());
      }
    }
  }

  @BackendTest
  void writeBufferLimitsFollowAsyncioRules(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Pair p = connect(loop, new ArrayList<>());
      try {
        Transport t = p.client().transport();
        assertEquals(new WriteBufferLimits(64 * 1024, 16 * 1024), t.getWriteBufferLimits(), "asyncio's defaults");
        t.setWriteBufferLimits(WriteBufferLimits.of(1000, 100));
        assertEquals(new WriteBufferLimits(1000, 100), t.getWriteBufferLimits());
        t.setWriteBufferLimits(WriteBufferLimits.ofLow(1000));
        assertEquals(new WriteBufferLimits(4000, 1000), t.getWriteBufferLimits(), "high defaults to 4 x low");
        t.setWriteBufferLimits(WriteBufferLimits.ofHigh(1000));
        assertEquals(new WriteBufferLimits(1000, 250), t.getWriteBufferLimits(), "low defaults to high / 4");
        t.setWriteBufferLimits(WriteBufferLimits.DEFAULT);
        assertEquals(WriteBufferLimits.DEFAULT, t.getWriteBufferLimits());
        assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(WriteBufferLimits.of(10, 20)), "high < low");
        assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(WriteBufferLimits.ofHigh(-1)), "negative");
        assertEquals(WriteBufferLimits.DEFAULT, t.getWriteBufferLimits(), "a rejected setting changes nothing");
        assertEquals(0, t.getWriteBufferSize());
        p.client().transport().close();
        await(loop, p.client().protocol().lost, "connectionLost");
      } finally {
        shutdown(loop, p.server());
      }
    }
  }

  /**
   * With the peer not reading, writes pile up: getWriteBufferSize grows, the protocol is paused
   * at once when the buffer passes the high watermark, and raising the watermark above the buffer
   * resumes it at once (lowering it pauses it again). The caller's buffer is consumed and free to
   * reuse: overwriting it after write() changes nothing the peer gets.
   */
  @BackendTest
  void bufferedWritesPauseAndResumeWithTheWatermarksAndAreCopies(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Pair p = connect(loop, new ArrayList<>());
      try {
        Transport t = p.client().transport();
        Recorder.Plain client = p.client().protocol();
        Recorder.Plain srv = p.serverSide();
        srv.transport.pauseReading();
        srv.keepLimit = 0;

        int size = 16 << 20;
        byte[] original = Net.payload(size, 14);
        ByteBuffer buf = ByteBuffer.allocate(size).put(original).flip();
        t.write(buf);
        assertEquals(buf.limit(), buf.position(), "write() consumes the caller's buffer");
        Arrays.fill(buf.array(), (byte) 0); // the caller reuses its buffer at once
        long buffered = t.getWriteBufferSize();
        assertTrue(buffered > 0, "16 MiB to a peer that does not read: some stays buffered");
        assertEquals(1, client.pauseWritingCalls, "paused once, inside write(), over the high watermark");
        assertEquals(0, client.resumeWritingCalls);

        t.setWriteBufferLimits(WriteBufferLimits.of(buffered + (64 << 20), buffered + (32 << 20)));
        assertEquals(1, client.resumeWritingCalls, "raising the watermarks above the buffer resumes at once");
        t.setWriteBufferLimits(WriteBufferLimits.of(1, 0));
        assertEquals(2, client.pauseWritingCalls, "lowering them below the buffer pauses at once");
        t.setWriteBufferLimits(WriteBufferLimits.DEFAULT);

        srv.expect(size);
        srv.transport.resumeReading();
        await(loop, srv.gotAll, "the 16 MiB at the server after it resumes reading");
        assertEquals(crc(original), srv.crcValue(), "the bytes as they were when write() returned");
        Net.spin(loop, 2);
        assertEquals(0, t.getWriteBufferSize(), "the buffer drained");
        assertEquals(2, client.resumeWritingCalls, "resumed again as the buffer drained");
        t.close();
        await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, p.server());
      }
    }
  }

  @BackendTest
  void writelinesSendsTheBuffersInOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Pair p = connect(loop, new ArrayList<>());
      try {
        Transport t = p.client().transport();
        List<ByteBuffer> parts =
            List.of(
                ByteBuffer.wrap("one,".getBytes(StandardCharsets.US_ASCII)),
                ByteBuffer.allocateDirect(4).put("two,".getBytes(StandardCharsets.US_ASCII)).flip(),
                ByteBuffer.allocate(0),
                ByteBuffer.wrap(Net.payload(300_000, 3)),
                ByteBuffer.wrap(",three".getBytes(StandardCharsets.US_ASCII)));
        long total = parts.stream().mapToLong(ByteBuffer::remaining).sum();
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (ByteBuffer b : parts) {
          byte[] copy = new byte[b.remaining()];
          b.duplicate().get(copy);
          expected.writeBytes(copy);
        }
        Recorder.Plain srv = p.serverSide();
        srv.expect(total);
        t.writeLines(parts);
        for (ByteBuffer b : parts) {
          assertFalse(b.hasRemaining(), "writelines consumes every buffer");
        }
        t.write(ByteBuffer.allocate(0)); // an empty write is a no-op
        await(loop, srv.gotAll, "the writelines bytes");
        assertArrayEquals(expected.toByteArray(), srv.bytes());
        Net.spin(loop, 2);
        assertEquals(total, srv.received, "no extra bytes");
        t.close();
        await(loop, p.client().protocol().lost, "connectionLost");
      } finally {
        shutdown(loop, p.server());
      }
    }
  }

  @BackendTest
  void writeAfterWriteEofThrowsAndCloseMakesTheTransportClosing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Pair p = connect(loop, new ArrayList<>());
      try {
        Transport t = p.client().transport();
        assertFalse(t.isClosing());
        assertTrue(t.isReading());
        t.write("last words".getBytes(StandardCharsets.US_ASCII));
        t.writeEof();
        t.writeEof(); // harmless twice
        assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}), "write() after writeEof()");
        assertThrows(
            IllegalStateException.class, () -> t.writeLines(List.of(ByteBuffer.wrap(new byte[] {1}))), "writeLines() after writeEof()");
        assertFalse(t.isClosing(), "writeEof() is not close()");
        await(loop, p.serverSide().eof, "the server's eofReceived");
        assertEquals("last words", new String(p.serverSide().bytes(), StandardCharsets.US_ASCII));
        // The server closes on EOF (eofReceived returns false), so the client loses the connection.
        assertNull(await(loop, p.client().protocol().lost, "the client's connectionLost"));
        assertTrue(t.isClosing(), "a lost connection is closing");
        assertFalse(t.isReading());

        Recorder.Plain r = new Recorder.Plain(loop);
        Transport t2 = await(loop, loop.createConnection(() -> r, "127.0.0.1", port(p.server())), "connect").transport();
        t2.close();
        assertTrue(t2.isClosing(), "isClosing() right after close()");
        assertFalse(t2.isReading(), "a closing transport is not reading");
        await(loop, r.lost, "connectionLost");
      } finally {
        shutdown(loop, p.server());
      }
    }
  }

  @BackendTest
  void setProtocolRedirectsLaterEvents(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Pair p = connect(loop, new ArrayList<>());
      try {
        Recorder.Plain first = p.serverSide();
        Recorder.Buffered second = new Recorder.Buffered(loop);
        first.transport.setProtocol(second);
        second.transport = first.transport;
        assertSame(second, first.transport.getProtocol());
        second.expect(5);
        p.client().transport().write("hello".getBytes(StandardCharsets.US_ASCII));
        await(loop, second.gotAll, "data at the new protocol");
        assertEquals("hello", new String(second.bytes(), StandardCharsets.US_ASCII));
        assertEquals(0, first.dataCalls, "the old protocol hears nothing more");
        p.client().transport().close();
        await(loop, second.lost, "connectionLost at the new protocol");
        assertEquals(0, first.lostCalls);
      } finally {
        shutdown(loop, p.server());
      }
    }
  }
}
