package zloop.backend.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.UnixAddress;
import zloop.ZloopSocketOptions;
import zloop.backend.nio.NioHarness.Acceptor;
import zloop.backend.nio.NioHarness.Pair;
import zloop.backend.nio.NioHarness.Recorder;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.spi.WriteQueue;

/** Roles, options, limits and closing: what the NIO backend promises besides moving bytes. */
class NioSocketLifecycleTest {

  @Test
  void aHandlerClosingItsSocketWhileReadingStopsTheWriteHalfOfTheSameEvent() throws IOException {
    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
      Recorder client = p.client();
      WriteQueue queue = new WriteQueue();
      queue.add(ByteBuffer.allocate(16));
      client.onData = data -> client.socket.close(); // the Recorder fails on a later onWritten
      client.socket.startReading();
      p.server().socket.writeNow(NioStreamTest.ascii("x"), 0, 1);
      client.socket.flush(queue); // readable and writable in the same selection
      h.pollUntil("the read", () -> client.count == 1);
      h.pollNow(3);
      assertEquals(0, client.written);
    }
  }

  @Test
  void oneEventAcceptsAtMostTheLimit() throws IOException {
    int clients = NioAcceptor.ACCEPTS_PER_EVENT + 20;
    List<SocketChannel> peers = new ArrayList<>();
    try (NioHarness h = new NioHarness()) {
      SocketHandle listener = h.backend.openSocket(SocketKind.TCP4);
      listener.bind(NioHarness.loopback4());
      listener.listen(clients * 2);
      Acceptor acceptor = new Acceptor(listener);
      listener.startAccepting(acceptor);
      for (int i = 0; i < clients; i++) {
        peers.add(SocketChannel.open(listener.localAddress())); // lands in the backlog
      }
      h.pollIndefinitely();
      assertEquals(NioAcceptor.ACCEPTS_PER_EVENT, acceptor.accepted.size());
      h.pollUntil("the rest", () -> acceptor.accepted.size() == clients);
      assertTrue(acceptor.errors.isEmpty());
    } finally {
      for (SocketChannel peer : peers) {
        peer.close();
      }
    }
  }

  @Test
  void bindIsSavedUntilTheRoleIsKnown() throws IOException {
    try (NioHarness h = new NioHarness()) {
      SocketHandle socket = h.backend.openSocket(SocketKind.TCP4);
      assertEquals(null, socket.localAddress());
      socket.bind(NioHarness.loopback4());
      assertEquals(NioHarness.loopback4(), socket.localAddress(), "port 0 until listen");
      socket.listen(8);
      assertNotEquals(0, ((InetSocketAddress) socket.localAddress()).getPort());
      socket.listen(8); // again: harmless
      assertThrows(IllegalStateException.class, () -> socket.connect(socket.localAddress(), e -> {}));
      assertThrows(IllegalStateException.class, socket::startReading);
      socket.close();
    }
  }

  @Test
  void optionsSetBeforeTheChannelExistsAreApplied() throws IOException {
    try (NioHarness h = new NioHarness()) {
      SocketHandle listener = h.backend.openSocket(SocketKind.TCP4);
      assertFalse(listener.getOption(StandardSocketOptions.TCP_NODELAY), "the family's default");
      listener.setOption(StandardSocketOptions.TCP_NODELAY, true);
      listener.setOption(StandardSocketOptions.SO_RCVBUF, 65536);
      assertTrue(listener.getOption(StandardSocketOptions.TCP_NODELAY));
      listener.bind(NioHarness.loopback4());
      listener.listen(8);
      assertTrue(listener.getOption(StandardSocketOptions.SO_RCVBUF) >= 65536);
      assertTrue(listener.getOption(StandardSocketOptions.TCP_NODELAY), "kept for accepted sockets");
      Acceptor acceptor = new Acceptor(listener);
      listener.startAccepting(acceptor);

      SocketHandle client = h.backend.openSocket(SocketKind.TCP4);
      client.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      boolean[] connected = new boolean[1];
      client.connect(listener.localAddress(), e -> connected[0] = true);
      h.pollUntil("connect and accept", () -> connected[0] && acceptor.accepted.size() == 1);
      assertTrue(client.getOption(StandardSocketOptions.SO_KEEPALIVE));
      assertTrue(
          acceptor.accepted.get(0).getOption(StandardSocketOptions.TCP_NODELAY),
          "an accepted socket inherits the listener's stream options");
    }
  }

  @Test
  void optionsNioLacksFailAtOnce() throws IOException {
    try (NioHarness h = new NioHarness()) {
      SocketHandle unix = h.backend.openSocket(SocketKind.UNIX);
      assertThrows(
          UnsupportedOperationException.class,
          () -> unix.setOption(StandardSocketOptions.TCP_NODELAY, true));
      SocketHandle tcp = h.backend.openSocket(SocketKind.TCP4);
      assertThrows(
          UnsupportedOperationException.class,
          () -> tcp.setOption(ZloopSocketOptions.IPV6_V6ONLY, true));
    }
  }

  @Test
  void streamOperationsBeforeConnectFail() throws IOException {
    try (NioHarness h = new NioHarness()) {
      SocketHandle socket = h.backend.openSocket(SocketKind.TCP4);
      assertThrows(
          NotYetConnectedException.class,
          () -> socket.writeNow(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1));
      assertThrows(IllegalStateException.class, socket::startReading, "no handler yet");
      assertThrows(IllegalStateException.class, () -> socket.startAccepting(new Acceptor(socket)));
    }
  }

  @Test
  void closingTheBackendClosesEverySocket() throws IOException {
    NioHarness h = new NioHarness();
    Acceptor acceptor = h.listen(SocketKind.TCP4, NioHarness.loopback4());
    Pair p = h.connect(acceptor);
    SocketHandle unopened = h.backend.openSocket(SocketKind.TCP4);
    h.close();
    assertFalse(acceptor.listener.isOpen());
    assertFalse(p.client().socket.isOpen());
    assertFalse(p.server().socket.isOpen());
    h.close(); // idempotent
    assertThrows(ClosedChannelException.class, () -> p.client().socket.bind(NioHarness.loopback4()));
    unopened.close();
  }

  @Test
  void closingTheBackendReleasesEveryDescriptor(@TempDir Path dir) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd (Linux)");
    Path file = Files.write(dir.resolve("payload"), new byte[1 << 20]);
    busyBackend(dir, file, 0); // first run: class loading and the JDK's own lazily opened files
    long before = countEntries(fds);
    busyBackend(dir, file, 1);
    assertEquals(before, countEntries(fds));
  }

  /** Listeners, streams in every role, a half-done sendfile, then the backend closes them all. */
  private static void busyBackend(Path dir, Path file, int run) throws IOException {
    NioHarness h = new NioHarness();
    Pair tcp = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
    Pair unix = h.connect(h.listen(SocketKind.UNIX, UnixAddress.of(dir.resolve(run + ".sock"))));
    try (SendFile open = h.backend.openFileForSending(file)) {
      tcp.client().socket.sendfileNow(open, 0, 1000); // 1000 of 1 MiB
    }
    unix.server().socket.close();
    SocketHandle failed = h.backend.openSocket(SocketKind.TCP4);
    failed.bind(tcp.client().socket.localAddress());
    assertThrows(IOException.class, () -> failed.connect(NioHarness.loopback4(), e -> {}));
    h.backend.openSocket(SocketKind.TCP6);
    h.close();
  }

  private static long countEntries(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count() - 1; // the listing's own descriptor
    }
  }

  @Test
  void runningOutOfDescriptorsIsToldByTheMessage() {
    assertTrue(NioAcceptor.isResourceExhaustion(new IOException("Too many open files")));
    assertTrue(NioAcceptor.isResourceExhaustion(new IOException("Too many open files in system")));
    assertFalse(NioAcceptor.isResourceExhaustion(new IOException("Connection reset by peer")));
    assertFalse(NioAcceptor.isResourceExhaustion(new IOException()));
  }

}
