package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;
import zloop.UnixAddress;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/**
 * Stream sockets on the epoll backend over loopback TCP and Unix sockets, driven through the SPI.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class EpollSocketTest {

  private static final InetSocketAddress LOOPBACK4 =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private Harness h;

  @BeforeEach
  void open() throws IOException {
    h = new Harness();
  }

  @AfterEach
  void close() {
    h.close();
  }

  // ------------------------------------------------------------------ echo

  @Test
  void tcp4EchoBothWays() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    Harness.Connection c = h.connect(SocketKind.TCP4, listener);
    echo(c);

    InetSocketAddress server = (InetSocketAddress) listener.localAddress();
    assertEquals(InetAddress.getLoopbackAddress(), server.getAddress());
    assertEquals(server, c.client().remoteAddress());
    assertEquals(server, c.server().localAddress());
    assertEquals(c.client().localAddress(), c.server().remoteAddress());
    assertNotEquals(-1, c.client().fd());
  }

  @Test
  void tcp6EchoBothWays() throws IOException {
    InetSocketAddress loopback6 = new InetSocketAddress(InetAddress.ofLiteral("::1"), 0);
    SocketHandle listener;
    try {
      listener = h.listen(SocketKind.TCP6, loopback6);
    } catch (IOException e) {
      assumeTrue(false, "no IPv6 loopback on this host: " + e.getMessage());
      return;
    }
    Harness.Connection c = h.connect(SocketKind.TCP6, listener);
    echo(c);
    InetSocketAddress server = (InetSocketAddress) c.client().remoteAddress();
    assertInstanceOf(Inet6Address.class, server.getAddress());
    assertEquals(listener.localAddress(), server);
  }

  @Test
  void unixPathEchoBothWays(@TempDir Path dir) throws IOException {
    UnixAddress address = UnixAddress.of(dir.resolve("echo.sock"));
    SocketHandle listener = h.listen(SocketKind.UNIX, address);
    assertEquals(address, listener.localAddress());
    Harness.Connection c = h.connect(SocketKind.UNIX, listener);
    echo(c);
    assertEquals(address, c.client().remoteAddress());
    assertEquals(address, c.server().localAddress());
    assertNull(c.client().localAddress(), "an unnamed Unix socket has no address");
    assertNull(c.server().remoteAddress());
  }

  @Test
  void unixAbstractEchoBothWays() throws IOException {
    UnixAddress address = UnixAddress.ofAbstract("zloop-test-" + ProcessHandle.current().pid());
    SocketHandle listener = h.listen(SocketKind.UNIX, address);
    assertEquals(address, listener.localAddress());
    Harness.Connection c = h.connect(SocketKind.UNIX, listener);
    echo(c);
    assertEquals(address, c.client().remoteAddress());
  }

  /** The server echoes what it gets from the view it is given; then it speaks first. */
  private void echo(Harness.Connection c) throws IOException {
    Peer client = new Peer(c.client());
    Peer server = new Peer(c.server());
    server.onData = server::write;
    client.socket.startReading();
    server.socket.startReading();

    client.write("hello");
    h.pollUntil("the echo", () -> client.received == 5);
    assertEquals("hello", client.text());
    assertEquals("hello", server.text());

    server.write("world");
    h.pollUntil("the server's bytes", () -> client.received == 10);
    assertEquals("helloworld", client.text());
    assertEquals(0, client.eofs + server.eofs);
    assertNull(client.error);
    assertNull(server.error);
  }

  // ------------------------------------------------------------------ volume

  @Test
  void largeTransferIntoTheBackendsBuffer() throws IOException {
    largeTransfer(Peer.ReadMode.OWN_BUFFER);
  }

  @Test
  void largeTransferIntoADirectProtocolBuffer() throws IOException {
    largeTransfer(Peer.ReadMode.DIRECT);
  }

  @Test
  void largeTransferIntoAHeapProtocolBuffer() throws IOException {
    largeTransfer(Peer.ReadMode.HEAP);
  }

  /**
   * 32 MiB in thousands of heap and direct buffers (more than IOV_MAX, more than the staging area),
   * through writeNow then flush/onWritten; the checksums must match and the reader must see the end
   * of stream once.
   */
  private void largeTransfer(Peer.ReadMode mode) throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    Harness.Connection c = h.connect(SocketKind.TCP4, listener);
    Peer sender = new Peer(c.client(), Peer.ReadMode.OWN_BUFFER, false);
    Peer receiver = new Peer(c.server(), mode, false);
    receiver.socket.startReading();

    byte[] data = new byte[32 << 20];
    new SplittableRandom(42).nextBytes(data);
    CRC32 expected = new CRC32();
    expected.update(data);
    sender.writeAll(chunks(data));

    h.pollUntil("32 MiB", () -> receiver.received == data.length || receiver.error != null);
    assertNull(receiver.error);
    assertEquals(expected.getValue(), receiver.crc.getValue());
    assertEquals(data.length, sender.written);
    assertTrue(sender.queue.isEmpty());

    c.client().close();
    h.pollUntil("end of stream", () -> receiver.eofs == 1);
    pollIdle();
    assertEquals(1, receiver.eofs);
  }

  /** 3000 tiny buffers, then heap and direct ones of assorted sizes. */
  private static ByteBuffer[] chunks(byte[] data) {
    List<ByteBuffer> out = new ArrayList<>();
    int at = 0;
    int[] sizes = {100_000, 65_536, 7, 300_000, 1};
    for (int i = 0; at < data.length; i++) {
      int size = i < 3000 ? 1 + i % 17 : sizes[i % sizes.length];
      size = Math.min(size, data.length - at);
      ByteBuffer b =
          i % 2 == 0
              ? ByteBuffer.wrap(data, at, size).slice()
              : ByteBuffer.allocateDirect(size).put(data, at, size).flip();
      out.add(b);
      at += size;
    }
    return out.toArray(ByteBuffer[]::new);
  }

  // ------------------------------------------------------------------ failures

  @Test
  void refusedConnectionIsAConnectException() throws IOException {
    SocketHandle gone = h.listen(SocketKind.TCP4, LOOPBACK4);
    SocketAddress nobody = gone.localAddress();
    gone.close();

    SocketHandle client = h.backend.openSocket(SocketKind.TCP4);
    List<IOException> outcome = new ArrayList<>();
    try {
      client.connect(nobody, outcome::add);
      h.pollUntil("the refusal", () -> !outcome.isEmpty());
    } catch (ConnectException refusedAtOnce) {
      outcome.add(refusedAtOnce);
    }
    assertEquals(1, outcome.size());
    assertInstanceOf(ConnectException.class, outcome.get(0));
    assertTrue(outcome.get(0).getMessage().contains("ECONNREFUSED"), outcome.get(0).getMessage());
    pollIdle(); // a failed connect must not keep reporting its error
  }

  @Test
  void bindingAPortInUseIsABindException() throws IOException {
    SocketHandle first = h.listen(SocketKind.TCP4, LOOPBACK4);
    SocketHandle second = h.backend.openSocket(SocketKind.TCP4);
    BindException e = assertThrows(BindException.class, () -> second.bind(first.localAddress()));
    assertTrue(e.getMessage().contains("EADDRINUSE"), e.getMessage());
  }

  @Test
  void connectingToAMissingUnixPathFailsAtOnce(@TempDir Path dir) throws IOException {
    SocketHandle client = h.backend.openSocket(SocketKind.UNIX);
    IOException e =
        assertThrows(
            IOException.class,
            () -> client.connect(UnixAddress.of(dir.resolve("nobody")), f -> {}));
    assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
  }

  @Test
  void peerCloseIsOneEndOfStream() throws IOException {
    Harness.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    Peer server = new Peer(c.server());
    server.socket.startReading();
    new Peer(c.client()).write("bye");
    c.client().close();
    h.pollUntil("end of stream", () -> server.eofs == 1);
    assertEquals("bye", server.text());
    pollIdle();
    assertEquals(1, server.eofs);
    assertNull(server.error);
    server.socket.startReading(); // after the end of stream: nothing more to report
    pollIdle();
    assertEquals(1, server.eofs);
  }

  @Test
  void shutdownOutputIsEndOfStreamForThePeerOnly() throws IOException {
    Harness.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    Peer client = new Peer(c.client());
    Peer server = new Peer(c.server());
    client.socket.startReading();
    server.socket.startReading();
    client.socket.shutdownOutput();
    h.pollUntil("the server's end of stream", () -> server.eofs == 1);
    server.write("still open");
    h.pollUntil("the reply", () -> client.received == 10);
    assertEquals(0, client.eofs);
  }

  @Test
  void peerResetMidWriteIsASocketException() throws IOException {
    Harness.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    Peer server = new Peer(c.server());
    ByteBuffer big = ByteBuffer.allocateDirect(16 << 20);
    server.write(big); // far more than the socket buffers hold: most of it is queued
    assertFalse(server.queue.isEmpty(), "the kernel took all 16 MiB at once");

    c.client().setOption(StandardSocketOptions.SO_LINGER, 0);
    c.client().close(); // with unread data and linger 0: a reset

    h.pollUntil("the write error", () -> server.error != null);
    assertInstanceOf(SocketException.class, server.error);
    String m = server.error.getMessage();
    assertTrue(m.contains("ECONNRESET") || m.contains("EPIPE"), m);
    pollIdle(); // the failed socket is quiet until closed
    assertEquals(1, server.calls.stream().filter("onError"::equals).count());
  }

  @Test
  void pausedSocketWithAResetPeerDoesNotSpin() throws IOException {
    Harness.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    Peer server = new Peer(c.server());
    server.socket.startReading();
    server.socket.stopReading();
    c.client().setOption(StandardSocketOptions.SO_LINGER, 0);
    c.client().close(); // EPOLLHUP|EPOLLERR, which epoll reports whatever the interest

    for (int i = 0; i < 5; i++) {
      assertEquals(0, h.backend.poll(0), "a paused socket must not wake the loop");
    }
    assertEquals(List.of(), server.calls);

    server.socket.startReading();
    h.pollUntil("the reset", () -> server.error != null);
    assertInstanceOf(SocketException.class, server.error);
  }

  // ------------------------------------------------------------------ other operations

  @Test
  void sendfileMovesAFile(@TempDir Path dir) throws IOException {
    byte[] content = new byte[3 << 20];
    new SplittableRandom(7).nextBytes(content);
    Path file = Files.write(dir.resolve("data"), content);
    Harness.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    Peer receiver = new Peer(c.server(), Peer.ReadMode.OWN_BUFFER, true);
    receiver.socket.startReading();

    long offset = 1000;
    SendFile open = h.backend.openFileForSending(file);
    long[] sent = {0};
    Runnable[] step = new Runnable[1];
    step[0] =
        () -> {
          try {
            while (sent[0] < content.length - offset) {
              long position = offset + sent[0];
              long n = c.client().sendfileNow(open, position, content.length - position);
              if (n == 0) {
                c.client().awaitWritable(step[0]);
                return;
              }
              sent[0] += n;
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    step[0].run();
    h.pollUntil("the file", () -> receiver.received == content.length - offset);
    assertArrayEquals(Arrays.copyOfRange(content, (int) offset, content.length), receiver.bytes());

    assertThrows(EOFException.class, () -> c.client().sendfileNow(open, content.length, 10));
    assertTrue(OpenFds.anyOpen(file), "the engine's open file stays open until it closes it");
    open.close();
    assertThrows(IOException.class, () -> h.backend.openFileForSending(dir.resolve("missing")));
    assertFalse(OpenFds.anyOpen(file), "sendfile left the file open");
  }

  @Test
  void awaitWritableFiresOnce() throws IOException {
    Harness.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    int[] calls = {0};
    c.client().awaitWritable(() -> calls[0]++);
    assertEquals(0, calls[0], "never inside the call");
    h.pollUntil("writable", () -> calls[0] == 1);
    pollIdle();
    assertEquals(1, calls[0]);
  }

  @Test
  void acceptsEveryWaitingConnection() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    List<SocketHandle> clients = new ArrayList<>();
    List<IOException> outcomes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      SocketHandle s = h.backend.openSocket(SocketKind.TCP4);
      s.connect(listener.localAddress(), outcomes::add);
      clients.add(s);
    }
    h.pollUntil("connects", () -> outcomes.size() == 20);
    Harness.Accepted accepted = h.accept(listener);
    h.pollUntil("accepts", () -> accepted.sockets.size() == 20);
    assertEquals(List.of(), accepted.errors);
    for (SocketHandle s : accepted.sockets) {
      assertInstanceOf(InetSocketAddress.class, s.remoteAddress());
      assertTrue(clients.stream().anyMatch(c -> s.remoteAddress().equals(c.localAddress())));
    }
  }

  @Test
  void acceptingOutOfDescriptorsIsResourceExhaustion() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    List<IOException> outcome = new ArrayList<>();
    h.backend.openSocket(SocketKind.TCP4).connect(listener.localAddress(), outcome::add);
    h.pollUntil("connect", () -> outcome.size() == 1);
    Harness.Accepted accepted = h.accept(listener);
    boolean[] exhausted = {false};
    AcceptHandler stopOnExhaustion =
        new AcceptHandler() {
          @Override
          public void onAccept(SocketHandle s) {
            accepted.onAccept(s);
          }

          @Override
          public void onAcceptError(IOException failure, boolean resourceExhausted) {
            accepted.onAcceptError(failure, resourceExhausted);
            exhausted[0] = resourceExhausted;
            listener.stopAccepting(); // as the engine does, retrying later
          }
        };
    listener.startAccepting(stopOnExhaustion);
    int lowestFree;
    try (Pipe probe = new Pipe()) {
      lowestFree = probe.readFd;
    }
    FdLimit limit = new FdLimit(lowestFree);
    try {
      h.backend.poll(5_000_000_000L);
    } finally {
      limit.close();
    }
    assertEquals(1, accepted.errors.size(), () -> "accepted " + accepted.sockets);
    assertTrue(accepted.errors.get(0).getMessage().contains("EMFILE"));
    assertTrue(exhausted[0], "EMFILE is exhaustion, not a broken listener");
    pollIdle(); // stopped: the waiting connection does not spin the loop

    listener.startAccepting(accepted);
    h.pollUntil("the accept once descriptors are back", () -> accepted.sockets.size() == 1);
  }

  @Test
  void acceptingOnASocketThatDoesNotListenFailsOnce() throws IOException {
    SocketHandle notListening = h.backend.openSocket(SocketKind.TCP4);
    Harness.Accepted accepted = h.accept(notListening);
    h.pollUntil("the error", () -> !accepted.errors.isEmpty());
    pollIdle();
    assertEquals(1, accepted.errors.size());
    assertTrue(accepted.errors.get(0).getMessage().contains("EINVAL"));
  }

  @Test
  void stopAcceptingLeavesConnectionsInTheBacklog() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    Harness.Accepted accepted = h.accept(listener);
    listener.stopAccepting();
    List<IOException> outcome = new ArrayList<>();
    h.backend.openSocket(SocketKind.TCP4).connect(listener.localAddress(), outcome::add);
    h.pollUntil("connect", () -> outcome.size() == 1);
    pollIdle();
    assertEquals(List.of(), accepted.sockets);
    listener.startAccepting(accepted);
    h.pollUntil("accept", () -> accepted.sockets.size() == 1);
  }

  @Test
  void handlersAreNeverCalledAfterClose() throws IOException {
    Harness.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    Peer server = new Peer(c.server());
    server.socket.startReading();
    new Peer(c.client()).write("unread");
    c.server().close(); // data pending and readable: nobody may hear of it
    assertFalse(c.server().isOpen());
    assertEquals(-1, c.server().fd());
    c.server().close(); // idempotent

    SocketHandle connecting = h.backend.openSocket(SocketKind.TCP4);
    int[] connects = {0};
    connecting.connect(h.listen(SocketKind.TCP4, LOOPBACK4).localAddress(), f -> connects[0]++);
    connecting.close();

    pollIdle();
    assertEquals(List.of(), server.calls);
    assertEquals(0, connects[0]);
    assertThrows(SocketException.class, () -> c.server().writeNow(new ByteBuffer[0], 0, 0));
  }

  @Test
  void optionsAreTheKernels() throws IOException {
    SocketHandle s = h.backend.openSocket(SocketKind.TCP4);
    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
    assertEquals(true, s.getOption(StandardSocketOptions.TCP_NODELAY));
    s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    assertEquals(true, s.getOption(StandardSocketOptions.SO_KEEPALIVE));
    assertThrows(
        UnsupportedOperationException.class,
        () -> s.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true));
    assertNull(s.localAddress(), "unbound");
    assertNull(s.remoteAddress(), "unconnected");
    s.close();
    assertThrows(SocketException.class, () -> s.setOption(StandardSocketOptions.TCP_NODELAY, true));
  }

  @Test
  void closingTheBackendClosesItsSockets() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    Harness.Connection c = h.connect(SocketKind.TCP4, listener);
    new Peer(c.server()).socket.startReading();
    h.backend.openSocket(SocketKind.UNIX);
    assertEquals(4, h.backend.registrations());
    // Harness.close() closes the backend only, then checks every descriptor was released.
    assertNotNull(c.client());
  }

  /** Polls a few times without waiting; nothing may be dispatched. */
  private void pollIdle() throws IOException {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, h.backend.poll(0), "events for a socket that should be quiet");
    }
  }
}
