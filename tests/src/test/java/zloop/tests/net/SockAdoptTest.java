package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.NetSocket;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * {@code EventLoop.adoptSocket}: a descriptor made outside zloop (blocking, by plain libc calls, as
 * another library would) becomes a loop socket, usable with {@code createServer(sock)}, {@code
 * createConnection(sock)} and the {@code sock*} methods; what is not a stream socket is refused
 * and stays the caller's. nio has no descriptors and says so.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class SockAdoptTest {

  private static boolean hasFds(EventLoop loop) throws IOException {
    try (NetSocket probe = loop.openUnixSocket()) {
      return probe.fd() >= 0;
    }
  }

  @BackendTest
  void nioRefusesNamingItself(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Assumptions.assumeFalse(hasFds(loop), "the " + backend + " backend adopts descriptors");
      int fd = NativeFds.socket(NativeFds.AF_INET, NativeFds.SOCK_STREAM);
      try {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> loop.adoptSocket(fd));
        assertTrue(e.getMessage().contains(backend), e.getMessage());
      } finally {
        NativeFds.close(fd);
      }
    }
  }

  /** A listening socket made outside: adopted, made non-blocking, served on (create_server(sock=)). */
  @BackendTest
  void anAdoptedListeningDescriptorIsServedOn(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Assumptions.assumeTrue(hasFds(loop), "not applicable: the " + backend + " backend has no descriptors");
      int fd = NativeFds.socket(NativeFds.AF_INET, NativeFds.SOCK_STREAM);
      NativeFds.listen(fd, 8); // the kernel binds it to an ephemeral port on 0.0.0.0
      NetSocket adopted = loop.adoptSocket(fd);
      assertEquals(fd, adopted.fd());
      assertTrue((NativeFds.statusFlags(fd) & NativeFds.O_NONBLOCK) != 0, "the loop made it non-blocking");
      int port = ((InetSocketAddress) adopted.localAddress()).getPort();
      assertTrue(port > 0, "bound by listen: " + adopted.localAddress());
      Server server = await(loop, loop.createServer(Echo.Plain::new, adopted), "createServer(adopted)");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        client.expect(hello.length);
        Transport t = await(loop, loop.createConnection(() -> client, "127.0.0.1", port), "connect").transport();
        t.write(hello);
        await(loop, client.gotAll, "the echo from the adopted listener");
        t.close();
        await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
      assertFalse(adopted.isOpen(), "the server closed the descriptor it owned");
    }
  }

  /** A connected pair made outside: one end under a transport, the other through sock*. */
  @BackendTest
  void anAdoptedConnectedPairCarriesBytesBothWays(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Assumptions.assumeTrue(hasFds(loop), "not applicable: the " + backend + " backend has no descriptors");
      int[] pair = NativeFds.socketpair();
      NetSocket near = loop.adoptSocket(pair[0]);
      try (NetSocket far = loop.adoptSocket(pair[1])) {
        Recorder.Plain protocol = new Recorder.Plain(loop);
        Transport t = await(loop, loop.createConnection(() -> protocol, near), "createConnection(adopted)").transport();
        t.write("ping".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer got = ByteBuffer.allocate(4);
        while (got.hasRemaining()) {
          assertTrue(await(loop, loop.sockRecvInto(far, got), "sockRecvInto") > 0, "EOF before ping");
        }
        assertEquals("ping", new String(got.array(), StandardCharsets.US_ASCII));
        protocol.expect(4);
        await(loop, loop.sockSendAll(far, ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII))), "sockSendAll");
        await(loop, protocol.gotAll, "pong through the transport");
        t.close();
        await(loop, protocol.lost, "connectionLost");
        assertEquals(0, await(loop, loop.sockRecv(far, 10), "EOF").remaining(), "the far end sees EOF");
        assertFalse(near.isOpen());
      }
    }
  }

  /** asyncio: "A Stream Socket was expected"; anything refused stays the caller's, open. */
  @BackendTest
  void whatIsNotAnOpenStreamSocketIsRefused(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Assumptions.assumeTrue(hasFds(loop), "not applicable: the " + backend + " backend has no descriptors");
      int datagram = NativeFds.socket(NativeFds.AF_INET, NativeFds.SOCK_DGRAM);
      int notASocket = NativeFds.devNull();
      try {
        refused(loop, datagram, "a stream socket was expected");
        refused(loop, notASocket, "not a socket");
        refused(loop, -1, "not a file descriptor");
        assertEquals(0, NativeFds.statusFlags(datagram) & NativeFds.O_NONBLOCK, "a refused fd is left as it was");
      } finally {
        NativeFds.close(datagram);
        NativeFds.close(notASocket);
      }
      refused(loop, notASocket, "not an open file descriptor"); // closed just now

      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Transport t =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", Net.port(server)), "connect").transport();
        int owned = ((NetSocket) t.getExtraInfo("socket")).fd();
        refused(loop, owned, "belongs to a transport of this loop");
        t.close();
        await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  private static void refused(EventLoop loop, int fd, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.adoptSocket(fd), "fd " + fd);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
