package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.file.Path;
import zloop.engine.spi.SocketKind;

/**
 * The native scratch memory one loop's socket calls share, allocated once when the backend opens:
 * the errno capture, the {@code sockaddr} codec, the option value, the path and the {@code off_t}
 * of {@code sendfile}. Every {@link PosixSocket} of the loop makes its calls through it.
 *
 * <p>Mechanics only, as {@link Sockets}: calls that have statuses return {@code >= 0} or {@code
 * -errno}; policy (what a status means for a handler) is {@link PosixSocket}'s and the backends'.
 * One loop thread, one call at a time; nothing is allocated per call but the Java objects a
 * decoded address is made of.
 */
public final class SocketCalls {

  /**
   * {@code SO_PEERNAME} (Linux, every architecture): the peer's address, without checking state;
   * {@code 0} where the OS has none (the BSDs: {@code getpeername} then).
   */
  private static final int SO_PEERNAME =
      PosixAbi.host().has("SO_PEERNAME") ? PosixAbi.host().value("SO_PEERNAME") : 0;

  private static final int SOCKADDR_IN_SIZE = 16;
  private static final int SOCKADDR_IN6_SIZE = 28;

  private final ErrnoCapture errno;
  private final SockAddr addresses;
  private final SocketOptions options;
  private final MemorySegment path;
  private final MemorySegment fileOffset;

  /**
   * @param arena holds the scratch memory; must outlive every call
   * @param errno the loop's capture
   */
  public SocketCalls(Arena arena, ErrnoCapture errno) {
    this.errno = errno;
    this.addresses = new SockAddr(arena);
    this.options = new SocketOptions(arena, errno);
    this.path = arena.allocate(FileNames.PATH_MAX);
    this.fileOffset = arena.allocate(JAVA_LONG);
  }

  public ErrnoCapture errno() {
    return errno;
  }

  SockAddr addresses() {
    return addresses;
  }

  SocketOptions options() {
    return options;
  }

  /** The address family of a kind of socket: the one place a {@link SocketKind} becomes an AF. */
  public static int family(SocketKind kind) {
    return switch (kind) {
      case TCP4 -> Sockets.AF_INET;
      case TCP6 -> Sockets.AF_INET6;
      case UNIX -> Sockets.AF_UNIX;
    };
  }

  /** A new non-blocking, close-on-exec stream socket of {@code family}: its descriptor. */
  int socket(int family) throws IOException {
    return (int) Errno.check("socket", Sockets.socket(family, Sockets.SOCK_STREAM, errno));
  }

  /**
   * {@code accept4} on the listener {@code fd}: the new descriptor (its peer's address then in
   * {@link #acceptedPeer()}), or {@code -errno}.
   */
  public int accept(int fd) {
    return Sockets.accept4(fd, addresses.storage(), addresses.capacityLength(), errno);
  }

  /** The peer address of the connection the last {@link #accept} returned. */
  public SocketAddress acceptedPeer() {
    return addresses.decode();
  }

  /**
   * The address a socket {@code fd} of {@code family} was accepted from, as the kernel recorded it
   * at accept time, or {@code null}: for an accept that did not return it (a multishot accept on a
   * ring). For TCP this is {@code SO_PEERNAME}, which unlike {@code getpeername} answers for a
   * connection that was reset since, as {@code accept4} would have.
   */
  public SocketAddress peerAtAccept(int fd, int family) {
    int exact =
        switch (family) {
          case Sockets.AF_INET -> SOCKADDR_IN_SIZE;
          case Sockets.AF_INET6 -> SOCKADDR_IN6_SIZE;
          default -> 0;
        };
    MemorySegment length = addresses.capacityLength();
    int r;
    if (exact == 0 || SO_PEERNAME == 0) {
      r = Sockets.getpeername(fd, addresses.storage(), length, errno);
    } else {
      // SO_PEERNAME refuses (EINVAL) a buffer longer than the address: ask for exactly its size.
      length.set(JAVA_INT, 0, exact);
      r = Sockets.getsockopt(fd, Sockets.SOL_SOCKET, SO_PEERNAME, addresses.storage(), length, errno);
    }
    return r < 0 ? null : addresses.decode();
  }

  /**
   * Opens {@code file} for one {@code loop.sendfile} call ({@code O_RDONLY | O_CLOEXEC}).
   *
   * @throws IOException if it cannot be opened
   */
  public PosixFile openFile(Path file) throws IOException {
    int fd = Libc.open(FileNames.toNative(file, path), Libc.O_RDONLY | Libc.O_CLOEXEC, errno);
    if (fd < 0) {
      throw Errno.exception("open " + file, -fd);
    }
    return new PosixFile(file, fd, errno);
  }

  /** {@code sendfile} of up to {@code count} bytes from {@code position}: bytes, 0 at EOF, -errno. */
  long sendfile(int fd, int in, long position, long count) {
    fileOffset.set(JAVA_LONG, 0, position);
    return Sockets.sendfile(fd, in, fileOffset, count, errno);
  }

  /**
   * Closes a descriptor nobody will serve with a reset ({@code SO_LINGER} 0), as the kernel resets
   * what waits in a closed listener's backlog; a plain close if the option cannot be set.
   */
  public void refuse(int fd) {
    try {
      options.set(fd, java.net.StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      // a plain close then: the client sees EOF instead of a reset, but is not left hanging
    }
    Libc.close(fd, errno);
  }
}
