package zloop.backend.epoll;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;
import zloop.posix.FileNames;
import zloop.posix.IoVecs;
import zloop.posix.Libc;
import zloop.posix.SockAddr;
import zloop.posix.SocketOptions;
import zloop.posix.Sockets;

/**
 * The socket calls one loop makes, with the native memory they share, allocated once when the
 * backend opens: the errno capture, the {@code sockaddr} codec, the option value, the gathering
 * write's iovecs and heap staging area, the receive buffer with its read-only view, and the path
 * and offset for {@code sendfile}.
 *
 * <p>Mechanics only: calls return raw results ({@code >= 0} or {@code -errno}) or throw for
 * failures that are never statuses; which handler hears of what is {@link EpollSocket}'s policy.
 * One loop thread, one call at a time, nothing allocated per call but the Java addresses a lookup
 * returns.
 */
final class SocketIo {

  /** The receive buffer: what one {@code recv} into the backend's own memory reads at most. */
  static final int RECEIVE_SIZE = 256 * 1024;

  /** How many bytes of heap buffers one gathering write copies at most. */
  static final int STAGING_SIZE = 256 * 1024;

  final ErrnoCapture errno;
  private final SockAddr addresses;
  private final SocketOptions options;
  private final IoVecs iovecs;
  private final MemorySegment receive;
  private final ByteBuffer receiveView; // read-only, over receive; its limit is set per read
  private final MemorySegment path;
  private final MemorySegment fileOffset;

  SocketIo(Arena arena, ErrnoCapture errno) {
    this.errno = errno;
    this.addresses = new SockAddr(arena);
    this.options = new SocketOptions(arena, errno);
    this.iovecs = new IoVecs(arena, STAGING_SIZE);
    this.receive = arena.allocate(RECEIVE_SIZE, 64);
    this.receiveView = receive.asByteBuffer().asReadOnlyBuffer();
    this.path = arena.allocate(FileNames.PATH_MAX);
    this.fileOffset = arena.allocate(JAVA_LONG);
  }

  // ------------------------------------------------------------------ life cycle and addresses

  /** A new non-blocking, close-on-exec stream socket: its descriptor. */
  int open(int domain) throws IOException {
    return (int) Errno.check("socket", Sockets.socket(domain, Sockets.SOCK_STREAM, errno));
  }

  /** {@code connect}: {@code 0}, {@code -EINPROGRESS}, or another {@code -errno}. */
  int connect(int fd, SocketAddress remote, int domain) throws IOException {
    int len = addresses.encode(remote, domain);
    return Sockets.connect(fd, addresses.storage(), len, errno);
  }

  void bind(int fd, SocketAddress local, int domain) throws IOException {
    int len = addresses.encode(local, domain);
    Errno.check("bind", Sockets.bind(fd, addresses.storage(), len, errno));
  }

  void listen(int fd, int backlog) throws IOException {
    Errno.check("listen", Sockets.listen(fd, backlog, errno));
  }

  /**
   * {@code accept4}: the new descriptor (its peer in {@link #acceptedPeer()}), or {@code -errno}.
   */
  int accept(int fd) {
    return Sockets.accept4(fd, addresses.storage(), addresses.capacityLength(), errno);
  }

  /** The peer address of the connection the last {@link #accept} returned. */
  SocketAddress acceptedPeer() {
    return addresses.decode();
  }

  /** {@code getsockname}, or {@code null} if the call failed. */
  SocketAddress localAddress(int fd) {
    int r = Sockets.getsockname(fd, addresses.storage(), addresses.capacityLength(), errno);
    return r < 0 ? null : addresses.decode();
  }

  /** {@code getpeername}, or {@code null} if there is no peer ({@code ENOTCONN}). */
  SocketAddress peerAddress(int fd) {
    int r = Sockets.getpeername(fd, addresses.storage(), addresses.capacityLength(), errno);
    return r < 0 ? null : addresses.decode();
  }

  /** {@code SO_ERROR}: {@code 0}, a positive errno, or {@code -errno} if it could not be read. */
  int pendingError(int fd) {
    return options.pendingError(fd);
  }

  SocketOptions options() {
    return options;
  }

  /** {@code close}: {@code 0} or {@code -errno}; the descriptor is released either way. */
  int close(int fd) {
    return Libc.close(fd, errno);
  }

  // ------------------------------------------------------------------ reading

  /** One {@code recv} into the receive buffer: bytes (see {@link #received}), 0 at EOF, -errno. */
  long receive(int fd) {
    return Sockets.recv(fd, receive, RECEIVE_SIZE, errno);
  }

  /** The read-only view of the first {@code n} received bytes: position 0, limit {@code n}. */
  ByteBuffer received(int n) {
    receiveView.clear().limit(n);
    return receiveView;
  }

  /**
   * One {@code recv} into {@code target} from its position, leaving the position alone: straight
   * into a direct buffer, through the receive buffer into a heap one. Bytes, 0 at EOF, or -errno.
   */
  long receiveInto(int fd, ByteBuffer target) {
    int room = target.remaining();
    if (target.isDirect()) {
      return Sockets.recv(fd, MemorySegment.ofBuffer(target), room, errno);
    }
    long n = Sockets.recv(fd, receive, Math.min(room, RECEIVE_SIZE), errno);
    if (n > 0) {
      int at = target.arrayOffset() + target.position();
      MemorySegment.copy(receive, JAVA_BYTE, 0, target.array(), at, (int) n);
    }
    return n;
  }

  // ------------------------------------------------------------------ writing

  /** One gathering {@code sendmsg} of {@code buffers}, positions untouched: bytes or -errno. */
  long send(int fd, ByteBuffer[] buffers, int offset, int count) {
    return iovecs.send(fd, buffers, offset, count, errno);
  }

  void shutdownOutput(int fd) throws IOException {
    Errno.check("shutdown", Sockets.shutdown(fd, Sockets.SHUT_WR, errno));
  }

  /**
   * Opens {@code file}, {@code sendfile}s up to {@code count} bytes from {@code position}, closes
   * it: bytes sent, 0 if {@code position} is at the end of the file, or {@code -errno} of sendfile.
   *
   * @throws IOException if the file cannot be opened
   */
  long sendfile(int fd, Path file, long position, long count) throws IOException {
    int in = Libc.open(FileNames.toNative(file, path), Libc.O_RDONLY | Libc.O_CLOEXEC, errno);
    if (in < 0) {
      throw Errno.exception("open " + file, -in);
    }
    try {
      fileOffset.set(JAVA_LONG, 0, position);
      return Sockets.sendfile(fd, in, fileOffset, count, errno);
    } finally {
      Libc.close(in, errno); // read-only: nothing is lost if this fails
    }
  }
}
