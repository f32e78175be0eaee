package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.crc;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.Task;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** The sock* operations, getaddrinfo, connectAcceptedSocket, and fd watchers. */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class LowLevelSocketTest {

  private static NetSocket listener(EventLoop loop) throws IOException {
    NetSocket l = loop.openTcpSocket(StandardProtocolFamily.INET);
    try {
      l.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
      l.listen(16);
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  /** sockConnect, sockAccept, then a request/reply with sockSendAll, sockRecv and sockRecvInto. */
  @BackendTest
  void sockOperationsExchangeMessages(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket client = loop.openTcpSocket(StandardProtocolFamily.INET); // the task closes it
      try {
      InetSocketAddress address = (InetSocketAddress) listener.localAddress();
      assertEquals("127.0.0.1", address.getAddress().getHostAddress());
      assertTrue(address.getPort() > 0);
      Future<NetSocket> accepting = loop.sockAccept(listener);
      await(loop, loop.sockConnect(client, address), "sockConnect");
      try (NetSocket accepted = await(loop, accepting, "sockAccept")) {
        assertEquals(client.localAddress(), accepted.remoteAddress());
        assertEquals(address, client.remoteAddress());

        Task<String> exchange =
            loop.createTask(
                () -> {
                  loop.sockSendAll(client, ByteBuffer.wrap("question?".getBytes(StandardCharsets.US_ASCII))).join();
                  ByteBuffer into = ByteBuffer.allocate(9);
                  while (into.hasRemaining()) {
                    int n = loop.sockRecvInto(accepted, into).join();
                    if (n == 0) {
                      throw new AssertionError("EOF before the whole question");
                    }
                  }
                  String question = new String(into.array(), StandardCharsets.US_ASCII);
                  loop.sockSendAll(accepted, ByteBuffer.wrap("answer!".getBytes(StandardCharsets.US_ASCII))).join();
                  StringBuilder answer = new StringBuilder();
                  while (answer.length() < 7) {
                    ByteBuffer got = loop.sockRecv(client, 100).join();
                    if (!got.hasRemaining()) {
                      throw new AssertionError("EOF before the whole answer");
                    }
                    answer.append(StandardCharsets.US_ASCII.decode(got));
                  }
                  client.close();
                  ByteBuffer eof = loop.sockRecv(accepted, 100).join();
                  return question + " " + answer + " eof=" + !eof.hasRemaining();
                });
        assertEquals("question? answer! eof=true", await(loop, exchange, "the exchange"));
        assertFalse(client.isOpen());
      }
      } finally {
        client.close();
      }
    }
  }

  /**
   * 1 MiB each way through sock* calls: the client sends and receives at the same time (one
   * operation per direction, as asyncio allows), the accepted side echoes.
   */
  @BackendTest
  void sockSendallAndSockRecvEchoAMegabyteConcurrently(String backend) throws IOException {
    int size = 1 << 20;
    byte[] data = Net.payload(size, 15);
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket client = loop.openTcpSocket(StandardProtocolFamily.INET); // the receiving task closes it
      try {
      Future<NetSocket> accepting = loop.sockAccept(listener);
      await(loop, loop.sockConnect(client, listener.localAddress()), "sockConnect");
      try (NetSocket accepted = await(loop, accepting, "sockAccept")) {
        Task<Long> echo =
            loop.createTask(
                () -> {
                  ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
                  long total = 0;
                  while (true) {
                    buf.clear();
                    int n = loop.sockRecvInto(accepted, buf).join();
                    if (n == 0) {
                      return total;
                    }
                    total += n;
                    buf.flip();
                    loop.sockSendAll(accepted, buf).join();
                  }
                });
        Task<Void> send = loop.createTask(() -> loop.sockSendAll(client, ByteBuffer.wrap(data)).join());
        Task<Long> receive =
            loop.createTask(
                () -> {
                  CRC32 crc = new CRC32();
                  long got = 0;
                  while (got < size) {
                    ByteBuffer b = loop.sockRecv(client, 256 * 1024).join();
                    if (!b.hasRemaining()) {
                      throw new AssertionError("EOF after " + got + " bytes");
                    }
                    got += b.remaining();
                    crc.update(b);
                  }
                  client.close(); // the echo task sees EOF
                  return crc.getValue();
                });
        await(loop, send, "sockSendAll of 1 MiB");
        assertEquals(crc(data), await(loop, receive, "sockRecv of the 1 MiB echo"), "CRC32 of the echo");
        assertEquals(size, await(loop, echo, "the echo task ending at EOF"));
      }
      } finally {
        client.close();
      }
    }
  }

  /**
   * A sockRecv started while a sockSendAll on the same socket is still sending (the other
   * direction: allowed) changes nothing about what is sent: the peer gets exactly the bytes,
   * once, and the sendall completes.
   */
  @BackendTest
  void aSockRecvStartedDuringSockSendallNeitherLosesNorRepeatsBytes(String backend) throws IOException {
    int size = 4 << 20;
    byte[] data = Net.payload(size, 19);
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket client = loop.openTcpSocket(StandardProtocolFamily.INET); // closed once sent
      try {
        Future<NetSocket> accepting = loop.sockAccept(listener);
        await(loop, loop.sockConnect(client, listener.localAddress()), "sockConnect");
        try (NetSocket accepted = await(loop, accepting, "sockAccept")) {
          Future<Void> send = loop.sockSendAll(client, ByteBuffer.wrap(data)); // more than fits at once
          Future<ByteBuffer> recv = loop.sockRecv(client, 16); // pending: nobody sends to the client
          send.addDoneCallback(f -> client.close()); // the peer sees EOF once everything is sent
          Task<long[]> peer =
              loop.createTask(
                  () -> {
                    CRC32 crc = new CRC32();
                    long total = 0;
                    ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                    while (total <= size) { // stop at EOF, or as soon as more than was sent arrived
                      b.clear();
                      int n = loop.sockRecvInto(accepted, b).join();
                      if (n == 0) {
                        break;
                      }
                      b.flip();
                      long keep = Math.max(0, Math.min(n, size - total));
                      crc.update(b.limit((int) keep));
                      total += n;
                    }
                    return new long[] {total, crc.getValue()};
                  });
          long[] got = await(loop, peer, "the peer reading to EOF (or past the size sent)");
          assertEquals(size, got[0], "bytes at the peer for one " + Net.size(size) + " sockSendAll");
          assertEquals(crc(data), got[1], "CRC32 at the peer");
          assertTrue(send.isDone() && send.exception() == null, "sockSendAll completed");
          recv.cancel();
        }
      } finally {
        client.close();
      }
    }
  }

  @BackendTest
  void getaddrinfoResolvesLocalhost(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<InetSocketAddress> all = await(loop, loop.getAddrInfo("localhost", 8080), "getAddrInfo(localhost)");
      assertFalse(all.isEmpty(), "localhost has addresses");
      for (InetSocketAddress a : all) {
        assertTrue(a.getAddress().isLoopbackAddress(), "a loopback address: " + a);
        assertEquals(8080, a.getPort());
      }
      List<InetSocketAddress> literal = await(loop, loop.getAddrInfo("127.0.0.1", 1), "getAddrInfo(127.0.0.1)");
      assertEquals(List.of(new InetSocketAddress(Net.LOOPBACK4, 1)), literal);
    }
  }

  /** A socket from sockAccept, wrapped as a transport with connectAcceptedSocket, echoes. */
  @BackendTest
  void connectAcceptedSocketWrapsASockAcceptResult(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      Future<NetSocket> accepting = loop.sockAccept(listener);
      InetSocketAddress address = (InetSocketAddress) listener.localAddress();
      Recorder.Plain client = new Recorder.Plain(loop);
      Connection<Recorder.Plain> c =
          await(loop, loop.createConnection(() -> client, "127.0.0.1", address.getPort()), "createConnection");
      NetSocket accepted = await(loop, accepting, "sockAccept");
      Connection<Echo.Plain> wrapped = await(loop, loop.connectAcceptedSocket(Echo.Plain::new, accepted), "connectAcceptedSocket");
      assertNotNull(wrapped.protocol().transport, "connectionMade ran before the future completed");
      assertEquals(c.transport().getExtraInfo("sockname"), wrapped.transport().getExtraInfo("peername"));
      byte[] msg = Net.payload(100_000, 16);
      client.expect(msg.length);
      c.transport().write(msg);
      await(loop, client.gotAll, "the echo through the wrapped socket");
      assertArrayEquals(msg, client.bytes());
      c.transport().close();
      await(loop, client.lost, "the client's connectionLost");
      Net.spin(loop, 3);
      assertTrue(wrapped.transport().isClosing(), "the wrapped transport closed at EOF");
      assertFalse(accepted.isOpen(), "its socket closed with it");
    }
  }

  // ------------------------------------------------------------------ fd watchers

  @BackendTest
  void addReaderSeesAListenerBecomeReadable(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      if (unsupportedFdWatchers(loop, backend)) {
        return;
      }
      try (NetSocket listener = listener(loop)) {
        int fd = listener.fd();
        assertTrue(fd >= 0);
        int[] fired = {0};
        Future<Void> readable = loop.createFuture();
        loop.addReader(
            fd,
            () -> {
              fired[0]++;
              loop.removeReader(fd);
              if (!readable.isDone()) {
                readable.setResult(null);
              }
            });
        Net.spin(loop, 3);
        assertEquals(0, fired[0], "a listener with no pending connection is not readable");
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        try (Socket peer = new Socket()) {
          peer.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), address.getPort()));
          await(loop, readable, "the reader callback once a connection is pending");
          Net.spin(loop, 3);
          assertEquals(1, fired[0], "removeReader() inside the callback stops it");
          assertFalse(loop.removeReader(fd), "already removed");
          // The loop's own accept works on the same socket afterwards.
          try (NetSocket accepted = await(loop, loop.sockAccept(listener), "sockAccept after the watcher")) {
            assertNotNull(accepted.remoteAddress());
          }
        }
      }
    }
  }

  /**
   * addWriter and addReader on a connected socket this loop does not own (it belongs to a second
   * loop on the same backend): writable at once, readable when the peer sends.
   */
  @BackendTest
  void addWriterAndAddReaderOnAConnectedSocket(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      if (unsupportedFdWatchers(loop, backend)) {
        return;
      }
      try (EventLoop other = Backends.open(backend);
          ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
          NetSocket s = other.openTcpSocket(StandardProtocolFamily.INET)) {
        await(other, other.sockConnect(s, new InetSocketAddress(server.getInetAddress(), server.getLocalPort())), "sockConnect");
        try (Socket peer = server.accept()) {
          int fd = s.fd();
          Future<Void> writable = loop.createFuture();
          loop.addWriter(fd, () -> {
            if (!writable.isDone()) {
              writable.setResult(null);
            }
          });
          await(loop, writable, "the writer callback on a connected socket");
          assertTrue(loop.removeWriter(fd));
          assertFalse(loop.removeWriter(fd));

          int[] reads = {0};
          Future<Void> readable = loop.createFuture();
          loop.addReader(fd, () -> {
            reads[0]++;
            if (!readable.isDone()) {
              readable.setResult(null);
            }
          });
          Net.spin(loop, 3);
          assertEquals(0, reads[0], "nothing to read yet");
          OutputStream out = peer.getOutputStream();
          out.write(1);
          out.flush();
          await(loop, readable, "the reader callback once the peer sent a byte");
          assertTrue(loop.removeReader(fd));
          int after = reads[0];
          Net.spin(loop, 3);
          assertEquals(after, reads[0], "no calls after removeReader()");
        }
      }
    }
  }

  /** On nio the watchers must refuse clearly; returns true if so (and the test is done). */
  private static boolean unsupportedFdWatchers(EventLoop loop, String backend) {
    if (!backend.equals("nio")) {
      return false;
    }
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> loop.addReader(0, () -> {}), "addReader on nio");
    assertNotNull(e.getMessage());
    assertFalse(e.getMessage().isBlank());
    assertInstanceOf(
        UnsupportedOperationException.class,
        assertThrows(UnsupportedOperationException.class, () -> loop.addWriter(1, () -> {})),
        "addWriter on nio");
    assertFalse(loop.removeReader(0));
    return true;
  }
}
