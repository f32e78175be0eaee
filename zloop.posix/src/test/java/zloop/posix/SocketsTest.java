package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zloop.ZloopSocketOptions;

/**
 * The raw socket calls on loopback TCP: a listener, a client, an accepted connection, bytes both
 * ways, a gathering write, options, a refused connect.
 */
class SocketsTest {

  private final Arena arena = Arena.ofConfined();
  private final ErrnoCapture errno = new ErrnoCapture(arena);
  private final SockAddr addresses = new SockAddr(arena);
  private final SocketOptions options = new SocketOptions(arena, errno);
  private final List<Integer> fds = new ArrayList<>();

  @AfterEach
  void closeAll() {
    fds.forEach(fd -> Libc.close(fd, errno));
    arena.close();
  }

  @Test
  void connectAcceptSendReceiveShutdown() throws IOException {
    int listener = listener();
    InetSocketAddress bound = localAddress(listener);
    assertEquals(InetAddress.getLoopbackAddress(), bound.getAddress());
    assertTrue(bound.getPort() > 0);

    int client = open(Sockets.AF_INET);
    int len = addresses.encode(bound, Sockets.AF_INET);
    int r = Sockets.connect(client, addresses.storage(), len, errno);
    assertTrue(r == 0 || r == -Errno.EINPROGRESS, () -> "connect: " + Errno.name(-r));
    int server = accept(listener);
    assertEquals(0, options.pendingError(client), "SO_ERROR after connecting");

    assertEquals(
        0, Sockets.getpeername(server, addresses.storage(), addresses.capacityLength(), errno));
    assertEquals(localAddress(client), addresses.decode());

    MemorySegment hello = arena.allocateFrom("hello", StandardCharsets.US_ASCII);
    assertEquals(5, Sockets.send(client, hello, 5, errno));
    MemorySegment in = arena.allocate(64);
    assertEquals(5, Sockets.recv(server, in, 64, errno));
    assertEquals(
        "hello", new String(in.asSlice(0, 5).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
    assertEquals(-Errno.EAGAIN, Sockets.recv(server, in, 64, errno), "non-blocking: nothing more");

    assertEquals(0, Sockets.shutdown(client, Sockets.SHUT_WR, errno));
    assertEquals(0, Sockets.recv(server, in, 64, errno), "end of stream after SHUT_WR");
  }

  @Test
  void gatheringWriteSendsHeapDirectAndReadOnlyBuffersInOrder() throws IOException {
    int listener = listener();
    int client = open(Sockets.AF_INET);
    int len = addresses.encode(localAddress(listener), Sockets.AF_INET);
    Sockets.connect(client, addresses.storage(), len, errno);
    int server = accept(listener);

    IoVecs iovecs = new IoVecs(arena, 4);
    ByteBuffer[] data = {
      ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII)),
      ByteBuffer.allocate(0),
      ByteBuffer.allocateDirect(3).put("cde".getBytes(StandardCharsets.US_ASCII)).flip(),
      ByteBuffer.wrap("fghij".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer(),
      ByteBuffer.allocateDirect(1).put((byte) 'z').flip(),
    };
    // Staging holds 4 heap bytes: "ab" and "fg" fit, "hij" and what follows wait.
    long n = iovecs.send(client, data, 0, data.length, errno);
    assertEquals(7, n);
    IoVecs.consume(data, 0, data.length, n);
    assertEquals(0, data[2].remaining());
    assertEquals(3, data[3].remaining());
    n = iovecs.send(client, data, 3, 2, errno);
    assertEquals(4, n);
    IoVecs.consume(data, 3, 2, n);

    MemorySegment in = arena.allocate(64);
    long got = 0;
    while (got < 11) {
      long r = Sockets.recv(server, in.asSlice(got), 64 - got, errno);
      assertTrue(r > 0 || r == -Errno.EAGAIN, () -> "recv: " + r);
      got += Math.max(r, 0);
    }
    assertEquals(
        "abcdefghijz", new String(in.asSlice(0, 11).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
  }

  @Test
  void refusedConnectIsReportedBySoError() throws IOException {
    int listener = listener();
    InetSocketAddress nobody = localAddress(listener);
    Libc.close(listener, errno);
    fds.remove((Integer) listener);

    int client = open(Sockets.AF_INET);
    int len = addresses.encode(nobody, Sockets.AF_INET);
    int r = Sockets.connect(client, addresses.storage(), len, errno);
    int error = r == -Errno.EINPROGRESS ? awaitSoError(client) : -r;
    assertEquals(Errno.ECONNREFUSED, error);
    assertInstanceOf(ConnectException.class, Errno.exception("connect", error));
  }

  @Test
  void optionsRoundTrip() throws IOException {
    int fd = open(Sockets.AF_INET);
    options.set(fd, StandardSocketOptions.TCP_NODELAY, true);
    assertEquals(true, options.get(fd, StandardSocketOptions.TCP_NODELAY));
    options.set(fd, StandardSocketOptions.TCP_NODELAY, false);
    assertEquals(false, options.get(fd, StandardSocketOptions.TCP_NODELAY));
    options.set(fd, StandardSocketOptions.SO_KEEPALIVE, true);
    assertEquals(true, options.get(fd, StandardSocketOptions.SO_KEEPALIVE));
    options.set(fd, StandardSocketOptions.SO_REUSEADDR, true);
    assertEquals(true, options.get(fd, StandardSocketOptions.SO_REUSEADDR));
    options.set(fd, StandardSocketOptions.SO_REUSEPORT, true);
    assertEquals(true, options.get(fd, StandardSocketOptions.SO_REUSEPORT));
    assertEquals(-1, options.get(fd, StandardSocketOptions.SO_LINGER));
    options.set(fd, StandardSocketOptions.SO_LINGER, 7);
    assertEquals(7, options.get(fd, StandardSocketOptions.SO_LINGER));
    options.set(fd, StandardSocketOptions.SO_LINGER, -1);
    assertEquals(-1, options.get(fd, StandardSocketOptions.SO_LINGER));
    options.set(fd, StandardSocketOptions.SO_RCVBUF, 64 * 1024);
    assertTrue(options.get(fd, StandardSocketOptions.SO_RCVBUF) >= 64 * 1024, "Linux doubles it");
    options.set(fd, StandardSocketOptions.SO_SNDBUF, 64 * 1024);
    assertTrue(options.get(fd, StandardSocketOptions.SO_SNDBUF) >= 64 * 1024);

    assertThrows(
        UnsupportedOperationException.class,
        () -> options.set(fd, StandardSocketOptions.IP_TOS, 0));
    assertThrows(
        IllegalArgumentException.class, () -> options.set(fd, StandardSocketOptions.SO_RCVBUF, -1));
    // IPv6-only means nothing to an IPv4 socket: the kernel says so.
    assertThrows(
        SocketException.class, () -> options.set(fd, ZloopSocketOptions.IPV6_V6ONLY, true));
  }

  @Test
  void ipv6OnlyOnAnIpv6Socket() throws IOException {
    int fd = Sockets.socket(Sockets.AF_INET6, Sockets.SOCK_STREAM, errno);
    org.junit.jupiter.api.Assumptions.assumeTrue(fd >= 0, "no IPv6 on this host");
    fds.add(fd);
    options.set(fd, ZloopSocketOptions.IPV6_V6ONLY, true);
    assertEquals(true, options.get(fd, ZloopSocketOptions.IPV6_V6ONLY));
  }

  // ------------------------------------------------------------------ helpers

  private int open(int domain) throws IOException {
    int fd = (int) Errno.check("socket", Sockets.socket(domain, Sockets.SOCK_STREAM, errno));
    fds.add(fd);
    return fd;
  }

  private int listener() throws IOException {
    int fd = open(Sockets.AF_INET);
    int len =
        addresses.encode(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Sockets.AF_INET);
    Errno.check("bind", Sockets.bind(fd, addresses.storage(), len, errno));
    Errno.check("listen", Sockets.listen(fd, 16, errno));
    return fd;
  }

  private InetSocketAddress localAddress(int fd) throws IOException {
    Errno.check(
        "getsockname",
        Sockets.getsockname(fd, addresses.storage(), addresses.capacityLength(), errno));
    return (InetSocketAddress) addresses.decode();
  }

  /** accept4 on the non-blocking listener, retrying EAGAIN until the handshake is done. */
  private int accept(int listener) throws IOException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      int fd = Sockets.accept4(listener, MemorySegment.NULL, MemorySegment.NULL, errno);
      if (fd >= 0) {
        fds.add(fd);
        return fd;
      }
      if (fd != -Errno.EAGAIN || System.nanoTime() - deadline > 0) {
        throw Errno.exception("accept4", -fd);
      }
      Thread.onSpinWait();
    }
  }

  private int awaitSoError(int fd) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int error;
    // A refused loopback connect fails within microseconds; poll SO_ERROR until it has.
    while ((error = options.pendingError(fd)) == 0 && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait();
    }
    return error;
  }
}
