package zloop.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.Task;
import zloop.UnixAddress;
import zloop.tests.BackendTest;
import zloop.tests.Backends;
import zloop.tests.net.Requires;

/** Facts of CPython's test_sock_lowlevel.py (the non-cancellation part), ported. */
@ExtendWith(SocketLeakCheck.class)
@Timeout(120)
class SockConformanceTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static NetSocket listener(EventLoop loop) throws IOException {
    NetSocket l = loop.openTcpSocket(StandardProtocolFamily.INET);
    try {
      l.bind(new InetSocketAddress("127.0.0.1", 0));
      l.listen(16);
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  /** A connected pair (client, accepted) over loopback TCP. */
  private static NetSocket[] pair(EventLoop loop, NetSocket listener) throws IOException {
    NetSocket client = loop.openTcpSocket(StandardProtocolFamily.INET);
    try {
      Future<NetSocket> accepting = loop.sockAccept(listener);
      Turns.await(loop, loop.sockConnect(client, listener.localAddress()), "sockConnect");
      return new NetSocket[] {client, Turns.await(loop, accepting, "sockAccept")};
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  @BackendTest
  void sockConnectSendallRecvRoundTrip(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket server = p[1]) {
        Turns.await(loop, loop.sockSendAll(client, ascii("GET / HTTP/1.0\r\n\r\n")), "sockSendAll");
        StringBuilder got = new StringBuilder();
        while (got.length() < 18) {
          ByteBuffer b = Turns.await(loop, loop.sockRecv(server, 1024), "sockRecv");
          assertTrue(b.hasRemaining(), "no EOF before the request");
          got.append(StandardCharsets.US_ASCII.decode(b));
        }
        assertEquals("GET / HTTP/1.0\r\n\r\n", got.toString());
      }
    }
  }

  @BackendTest
  void sockRecvIntoFillsTheCallersBuffer(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket server = p[1]) {
        Turns.await(loop, loop.sockSendAll(server, ascii("HTTP/1.0 200 OK")), "sockSendAll");
        ByteBuffer into = ByteBuffer.allocate(15);
        while (into.hasRemaining()) {
          int n = Turns.await(loop, loop.sockRecvInto(client, into), "sockRecvInto");
          assertTrue(n > 0, "no EOF before the reply");
        }
        assertEquals("HTTP/1.0 200 OK", new String(into.array(), StandardCharsets.US_ASCII));
      }
    }
  }

  @BackendTest
  void sockRecvGivesAnEmptyBufferAtEndOfStream(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket server = p[1]) {
        client.close();
        ByteBuffer b = Turns.await(loop, loop.sockRecv(server, 100), "sockRecv at EOF");
        assertEquals(0, b.remaining());
      }
    }
  }

  @BackendTest
  void sockRecvIntoGivesZeroAtEndOfStream(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket server = p[1]) {
        client.close();
        int n = Turns.await(loop, loop.sockRecvInto(server, ByteBuffer.allocate(10)), "sockRecvInto at EOF", Duration.ofSeconds(5));
        assertEquals(0, n);
      }
    }
  }

  @BackendTest
  void aSecondReadAfterEndOfStreamAlsoReturnsAtOnce(String backend) throws IOException {
    // the socket stays readable at EOF: asyncio's sock_recv returns b'' every time
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket server = p[1]) {
        client.close();
        assertEquals(0, Turns.await(loop, loop.sockRecv(server, 100), "the first sockRecv at EOF").remaining());
        assertEquals(0, Turns.await(loop, loop.sockRecv(server, 100), "a second sockRecv at EOF", Duration.ofSeconds(5)).remaining());
      }
    }
  }

  @BackendTest
  void hugeSockSendallArrivesWhole(String backend) throws IOException {
    byte[] data = new byte[8 * 1024 * 1024];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + (i >>> 11));
    }
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket server = p[1]) {
        Task<byte[]> reader = loop.createTask(() -> {
          java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
          while (true) {
            ByteBuffer b = loop.sockRecv(server, 64 * 1024).join();
            if (!b.hasRemaining()) {
              return got.toByteArray();
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            got.writeBytes(chunk);
          }
        });
        Task<Void> writer = loop.createTask(() -> {
          loop.sockSendAll(client, ByteBuffer.wrap(data)).join();
          client.close(); // EOF for the reader
          return null;
        });
        Turns.await(loop, writer, "sockSendAll of 8 MiB");
        byte[] got = Turns.await(loop, reader, "the reader to see all bytes and EOF");
        assertEquals(data.length, got.length);
        assertTrue(Arrays.equals(data, got), "content differs");
      }
    }
  }

  @BackendTest
  void hugeContentArrivesWholeThroughSockRecvInto(String backend) throws IOException {
    byte[] data = new byte[4 * 1024 * 1024];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i ^ (i >>> 8));
    }
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket server = p[1]) {
        Task<byte[]> reader = loop.createTask(() -> {
          ByteBuffer into = ByteBuffer.allocate(data.length + 1);
          while (true) {
            int n = loop.sockRecvInto(server, into).join();
            if (n == 0) {
              return Arrays.copyOf(into.array(), into.position());
            }
          }
        });
        Task<Void> writer = loop.createTask(() -> {
          loop.sockSendAll(client, ByteBuffer.wrap(data)).join();
          client.close();
          return null;
        });
        Turns.await(loop, writer, "sockSendAll of 4 MiB");
        assertArrayEquals(data, Turns.await(loop, reader, "all bytes via sockRecvInto"));
      }
    }
  }

  @BackendTest
  void sockAcceptGivesAConnectedSocketWhosePeerIsTheClient(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket server = p[1]) {
        assertEquals(client.localAddress(), server.remoteAddress());
        assertEquals(listener.localAddress(), client.remoteAddress());
        assertTrue(server.isOpen());
        Turns.await(loop, loop.sockSendAll(server, ascii("data")), "sockSendAll on the accepted socket");
        ByteBuffer b = ByteBuffer.allocate(4);
        while (b.hasRemaining()) {
          assertTrue(Turns.await(loop, loop.sockRecvInto(client, b), "sockRecvInto") > 0);
        }
        assertEquals("data", new String(b.array(), StandardCharsets.US_ASCII));
      }
    }
  }

  @BackendTest
  void sockConnectToARefusedPortFailsWithConnectException(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      int freePort;
      try (NetSocket probe = listener(loop)) {
        freePort = ((InetSocketAddress) probe.localAddress()).getPort();
      }
      try (NetSocket client = loop.openTcpSocket(StandardProtocolFamily.INET)) {
        Throwable t = Turns.awaitFailure(loop, loop.sockConnect(client, new InetSocketAddress("127.0.0.1", freePort)), "sockConnect to a closed port");
        assertInstanceOf(ConnectException.class, t, () -> "got " + t);
      }
    }
  }

  @BackendTest
  void unixSocketSendallRecvRoundTrip(String backend) throws IOException {
    Path dir = Files.createTempDirectory("zloop-sock");
    Path path = dir.resolve("s.sock");
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = loop.openUnixSocket()) {
      listener.bind(UnixAddress.of(path));
      listener.listen(4);
      try (NetSocket client = loop.openUnixSocket()) {
        Future<NetSocket> accepting = loop.sockAccept(listener);
        Turns.await(loop, loop.sockConnect(client, listener.localAddress()), "sockConnect (unix)");
        try (NetSocket server = Turns.await(loop, accepting, "sockAccept (unix)")) {
          Turns.await(loop, loop.sockSendAll(client, ascii("ping")), "sockSendAll (unix)");
          ByteBuffer b = ByteBuffer.allocate(4);
          while (b.hasRemaining()) {
            assertTrue(Turns.await(loop, loop.sockRecvInto(server, b), "sockRecvInto (unix)") > 0);
          }
          assertEquals("ping", new String(b.array(), StandardCharsets.US_ASCII));
        }
      }
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(dir);
    }
  }

  @BackendTest
  void anIpv6SocketConnectsAndExchanges(String backend) throws IOException {
    Requires.ipv6Loopback();
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = loop.openTcpSocket(StandardProtocolFamily.INET6)) {
      listener.bind(new InetSocketAddress("::1", 0));
      listener.listen(4);
      try (NetSocket client = loop.openTcpSocket(StandardProtocolFamily.INET6)) {
        Future<NetSocket> accepting = loop.sockAccept(listener);
        Turns.await(loop, loop.sockConnect(client, listener.localAddress()), "sockConnect (v6)");
        try (NetSocket server = Turns.await(loop, accepting, "sockAccept (v6)")) {
          Turns.await(loop, loop.sockSendAll(server, ascii("v6")), "sockSendAll (v6)");
          ByteBuffer b = ByteBuffer.allocate(2);
          while (b.hasRemaining()) {
            assertTrue(Turns.await(loop, loop.sockRecvInto(client, b), "sockRecvInto (v6)") > 0);
          }
          assertEquals("v6", new String(b.array(), StandardCharsets.US_ASCII));
        }
      }
    }
  }

  @BackendTest
  void anAcceptedSocketBecomesATransport(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0]) {
        Wire wire = new Wire(loop);
        var conn = Turns.await(loop, loop.connectAcceptedSocket(() -> wire, p[1]), "connectAcceptedSocket");
        Future<byte[]> got = wire.expect(5);
        Turns.await(loop, loop.sockSendAll(client, ascii("hello")), "sockSendAll to the transport");
        assertEquals("hello", new String(Turns.await(loop, got, "dataReceived"), StandardCharsets.US_ASCII));
        conn.transport().write(ascii("bye"));
        ByteBuffer b = ByteBuffer.allocate(3);
        while (b.hasRemaining()) {
          assertTrue(Turns.await(loop, loop.sockRecvInto(client, b), "sockRecvInto") > 0);
        }
        assertEquals("bye", new String(b.array(), StandardCharsets.US_ASCII));
        conn.transport().close();
        Turns.await(loop, wire.lost, "connectionLost");
      }
    }
  }
}
