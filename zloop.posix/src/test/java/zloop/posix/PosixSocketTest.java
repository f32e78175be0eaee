package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.UnixAddress;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketKind;

/**
 * The shared POSIX socket core on real loopback and Unix sockets: the kind-to-family switch, the
 * one address-caching rule, sendfile from a file opened once, and closing.
 */
class PosixSocketTest {

  /** {@code SO_DOMAIN}: the family the kernel gave a socket. */
  private static final int SO_DOMAIN = 39;

  private final Arena arena = Arena.ofConfined();
  private final ErrnoCapture errno = new ErrnoCapture(arena);
  private final SocketCalls calls = new SocketCalls(arena, errno);
  private final List<PosixSocket> sockets = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void closeAll() {
    for (PosixSocket s : sockets) {
      if (s.markClosed()) {
        s.closeDescriptor();
      }
    }
    arena.close();
  }

  @Test
  void everyKindOpensASocketOfItsFamily() throws IOException {
    assertEquals(Sockets.AF_INET, SocketCalls.family(SocketKind.TCP4));
    assertEquals(Sockets.AF_INET6, SocketCalls.family(SocketKind.TCP6));
    assertEquals(Sockets.AF_UNIX, SocketCalls.family(SocketKind.UNIX));
    for (SocketKind kind : SocketKind.values()) {
      PosixSocket s = open(kind);
      assertEquals(SocketCalls.family(kind), s.family(), kind.name());
      assertEquals(SocketCalls.family(kind), kernelFamily(s.fd()), kind + ": what the kernel says");
    }
  }

  @Test
  void tcpAddressesFollowTheOneRule() throws IOException {
    PosixSocket listener = listener();
    InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
    assertTrue(bound.getPort() > 0, "a listener's address is fixed at listen");

    PosixSocket client = open(SocketKind.TCP4);
    assertNull(client.localAddress(), "not bound yet");
    assertNull(client.remoteAddress(), "not connected: no peer, nothing cached");
    int r = client.connect(bound);
    assertTrue(r == 0 || r == -Errno.EINPROGRESS, () -> "connect: " + Errno.name(-r));
    assertNull(client.remoteAddress(), "a connect not yet finished names no peer");
    PosixSocket server = accept(listener);
    awaitConnected(client);
    client.markConnected();

    assertEquals(bound, client.remoteAddress(), "after connect: getpeername");
    assertEquals(client.localAddress(), server.remoteAddress(), "after accept: what accept said");
    assertEquals(bound.getAddress(), ((InetSocketAddress) server.localAddress()).getAddress());

    SocketAddress clientLocal = client.localAddress();
    close(client);
    close(server);
    assertEquals(bound, client.remoteAddress(), "kept after close");
    assertEquals(clientLocal, client.localAddress(), "kept after close");
    assertEquals(clientLocal, server.remoteAddress(), "kept after close");
    assertThrows(SocketException.class, () -> client.bind(bound), "closed");
  }

  @Test
  void anAcceptedPeerIsKnownEvenAfterItReset() throws IOException {
    PosixSocket listener = listener();
    PosixSocket client = open(SocketKind.TCP4);
    client.connect(listener.localAddress());
    awaitConnected(client);
    SocketAddress clientAddress = client.localAddress();
    client.setOption(StandardSocketOptions.SO_LINGER, 0);
    int fd = acceptRaw(listener);
    close(client); // a reset: getpeername on the accepted socket would say ENOTCONN
    PosixSocket fromRing = PosixSocket.accepted(calls, fd, Sockets.AF_INET, calls.peerAtAccept(fd, Sockets.AF_INET));
    sockets.add(fromRing);
    assertEquals(clientAddress, fromRing.remoteAddress(), "SO_PEERNAME: what accept recorded");
  }

  @Test
  void anUnnamedUnixPeerIsKnownAsNull() throws IOException {
    UnixAddress path = UnixAddress.of(dir.resolve("core.sock"));
    PosixSocket listener = open(SocketKind.UNIX);
    listener.bind(path);
    listener.listen(4);
    assertEquals(path, listener.localAddress());

    PosixSocket client = open(SocketKind.UNIX);
    assertEquals(0, client.connect(path), "a Unix connect completes at once");
    client.markConnected();
    assertEquals(path, client.remoteAddress());
    assertNull(client.localAddress(), "an unbound Unix client is unnamed");

    PosixSocket accepted = accept(listener);
    assertNull(accepted.remoteAddress(), "the peer is unnamed: known, as null");
    int fd = acceptRawAfterConnect(listener);
    assertNull(calls.peerAtAccept(fd, Sockets.AF_UNIX), "the ring's way: unnamed too");
  }

  @Test
  void sendfileReadsOneOpenFileAcrossChunks() throws IOException {
    byte[] content = new byte[200_000];
    new SplittableRandom(3).nextBytes(content);
    Path file = Files.write(dir.resolve("data"), content);
    UnixAddress path = UnixAddress.of(dir.resolve("send.sock"));
    PosixSocket listener = open(SocketKind.UNIX);
    listener.bind(path);
    listener.listen(4);
    PosixSocket client = open(SocketKind.UNIX);
    client.connect(path);
    client.markConnected();
    PosixSocket server = accept(listener);

    MemorySegment in = arena.allocate(content.length);
    long received = 0;
    try (PosixFile open = calls.openFile(file)) {
      assertEquals(file, open.path());
      long sent = 0;
      int chunks = 0;
      while (received < content.length) {
        long n = client.sendfile(open, sent, Math.min(30_000, content.length - sent));
        sent += n;
        chunks += n > 0 ? 1 : 0;
        long r = Sockets.recv(server.fd(), in.asSlice(received), content.length - received, errno);
        if (r > 0) {
          received += r;
        }
      }
      assertTrue(chunks > 1, "several chunks from the one descriptor");
      assertThrows(EOFException.class, () -> client.sendfile(open, content.length, 10));
      assertEquals(0, client.sendfile(open, 0, 0), "nothing asked, nothing sent");

      ByteBuffer direct = ByteBuffer.allocateDirect(100);
      assertEquals(100, open.read(direct, 1000), "pread, for the copy fallback");
      byte[] read = new byte[100];
      direct.flip().get(read);
      assertArrayEquals(Arrays.copyOfRange(content, 1000, 1100), read);
      assertThrows(IllegalArgumentException.class, () -> open.read(ByteBuffer.allocate(10), 0));
    }
    assertArrayEquals(content, in.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
  }

  @Test
  void sendfileRefusesAFileItDidNotOpenOrThatIsClosed() throws IOException {
    Path file = Files.write(dir.resolve("small"), new byte[] {1, 2, 3});
    PosixSocket listener = listener();
    PosixSocket client = open(SocketKind.TCP4);
    client.connect(listener.localAddress());
    accept(listener);
    SendFile foreign =
        new SendFile() {
          @Override
          public Path path() {
            return file;
          }

          @Override
          public int read(ByteBuffer target, long position) {
            return 0;
          }

          @Override
          public void close() {}
        };
    assertThrows(IllegalArgumentException.class, () -> client.sendfile(foreign, 0, 3));
    PosixFile open = calls.openFile(file);
    open.close();
    open.close(); // idempotent
    assertThrows(IOException.class, () -> client.sendfile(open, 0, 3), "closed file");
    IOException missing =
        assertThrows(IOException.class, () -> calls.openFile(dir.resolve("missing")));
    assertTrue(missing.getMessage().contains("ENOENT"), missing.getMessage());
  }

  @Test
  void closingTwiceClosesTheDescriptorOnce() throws IOException {
    PosixSocket s = PosixSocket.open(calls, SocketKind.TCP4);
    assertTrue(s.isOpen());
    assertThrows(IllegalStateException.class, s::closeDescriptor, "mark first");
    assertTrue(s.markClosed());
    assertFalse(s.markClosed());
    assertEquals(0, s.closeDescriptor());
    assertFalse(s.isOpen());
    assertThrows(SocketException.class, s::requireOpen);
  }

  // ------------------------------------------------------------------ helpers

  private PosixSocket open(SocketKind kind) throws IOException {
    PosixSocket s = PosixSocket.open(calls, kind);
    sockets.add(s);
    return s;
  }

  private void close(PosixSocket s) {
    assertTrue(s.markClosed());
    assertEquals(0, s.closeDescriptor());
  }

  private PosixSocket listener() throws IOException {
    PosixSocket s = open(SocketKind.TCP4);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    s.listen(16);
    return s;
  }

  /** accept4 with the peer address, wrapped as a backend does. */
  private PosixSocket accept(PosixSocket listener) throws IOException {
    int fd = acceptRaw(listener);
    PosixSocket s = PosixSocket.accepted(calls, fd, listener.family(), calls.acceptedPeer());
    sockets.add(s);
    return s;
  }

  /** Connects one more unnamed Unix client and accepts it: the raw descriptor. */
  private int acceptRawAfterConnect(PosixSocket listener) throws IOException {
    PosixSocket client = open(SocketKind.UNIX);
    client.connect(listener.localAddress());
    int fd = acceptRaw(listener);
    sockets.add(PosixSocket.accepted(calls, fd, Sockets.AF_UNIX, null)); // closed after the test
    return fd;
  }

  /** accept4 on the non-blocking listener, retrying EAGAIN until the handshake is done. */
  private int acceptRaw(PosixSocket listener) throws IOException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      int fd = calls.accept(listener.fd());
      if (fd >= 0) {
        return fd;
      }
      if (fd != -Errno.EAGAIN || System.nanoTime() - deadline > 0) {
        throw Errno.exception("accept4", -fd);
      }
      Thread.onSpinWait();
    }
  }

  /** Waits (bounded) until a TCP connect in progress has finished, and checks it succeeded. */
  private static void awaitConnected(PosixSocket client) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (client.localAddress() == null && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait();
    }
    assertNotNull(client.localAddress());
    assertEquals(0, client.pendingError(), "SO_ERROR");
  }

  private int kernelFamily(int fd) {
    MemorySegment value = arena.allocate(JAVA_INT);
    MemorySegment length = arena.allocate(JAVA_INT);
    length.set(JAVA_INT, 0, Integer.BYTES);
    assertEquals(0, Sockets.getsockopt(fd, Sockets.SOL_SOCKET, SO_DOMAIN, value, length, errno));
    return value.get(JAVA_INT, 0);
  }
}
