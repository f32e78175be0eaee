package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A socket descriptor made outside zloop, checked and made fit for a loop before a backend wraps
 * it (asyncio's {@code sock=} arguments and {@code connect_accepted_socket}).
 *
 * @param domain {@link Sockets#AF_INET}, {@link Sockets#AF_INET6} or {@link Sockets#AF_UNIX}
 * @param listening whether {@code listen} was called on it ({@code SO_ACCEPTCONN})
 * @param connected whether it has a peer ({@code getpeername} succeeds)
 */
public record ForeignSocket(int domain, boolean listening, boolean connected) {

  private static final PosixAbi ABI = PosixAbi.host();
  private static final int SO_TYPE = ABI.value("SO_TYPE");
  private static final int SO_ACCEPTCONN = ABI.value("SO_ACCEPTCONN");

  /**
   * Checks that {@code fd} is an open stream socket of a family zloop serves, and makes it
   * non-blocking and close-on-exec (the flags every socket zloop opens has from its start).
   *
   * @throws IllegalArgumentException if {@code fd} is not an open descriptor, not a socket, not a
   *     stream socket (asyncio: "A Stream Socket was expected"), or of another family
   * @throws IOException if {@code fcntl} fails
   */
  public static ForeignSocket prepare(int fd, ErrnoCapture errno) throws IOException {
    if (fd < 0) {
      throw new IllegalArgumentException("not a file descriptor: " + fd);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(JAVA_INT);
      MemorySegment length = arena.allocate(JAVA_INT);
      int type = intOption(fd, SO_TYPE, value, length, errno);
      if (type != Sockets.SOCK_STREAM) {
        throw new IllegalArgumentException(
            "a stream socket was expected, got a socket of type " + type + " (fd " + fd + ")");
      }
      int domain = Sockets.familyKind(nativeFamily(fd, value, length, errno));
      if (domain != Sockets.AF_INET && domain != Sockets.AF_INET6 && domain != Sockets.AF_UNIX) {
        throw new IllegalArgumentException(
            "only IPv4, IPv6 and Unix sockets can be adopted; fd " + fd + " is of family " + domain);
      }
      boolean listening = intOption(fd, SO_ACCEPTCONN, value, length, errno) != 0;
      MemorySegment peer = arena.allocate(128);
      length.set(JAVA_INT, 0, (int) peer.byteSize());
      boolean connected = Sockets.getpeername(fd, peer, length, errno) == 0;
      int r = DescriptorFlags.makeNonBlockingCloseOnExec(fd, errno);
      if (r < 0) {
        throw Errno.exception("fcntl", -r);
      }
      r = Sockets.suppressSigpipe(fd, errno);
      if (r < 0) {
        throw Errno.exception("setsockopt(SO_NOSIGPIPE)", -r);
      }
      return new ForeignSocket(domain, listening, connected);
    }
  }

  private static int intOption(
      int fd, int name, MemorySegment value, MemorySegment length, ErrnoCapture errno) {
    length.set(JAVA_INT, 0, Integer.BYTES);
    int r = Sockets.getsockopt(fd, Sockets.SOL_SOCKET, name, value, length, errno);
    if (r == -Errno.EBADF) {
      throw new IllegalArgumentException("not an open file descriptor: " + fd);
    }
    if (r == -Errno.ENOTSOCK) {
      throw new IllegalArgumentException("not a socket: fd " + fd);
    }
    if (r < 0) {
      throw new IllegalArgumentException(
          "cannot inspect fd " + fd + ": " + Errno.exception("getsockopt", -r).getMessage());
    }
    return value.get(JAVA_INT, 0);
  }

  /**
   * The socket's native address family: {@code SO_DOMAIN} where the OS has it (Linux), else the
   * family {@code getsockname} stores (macOS, FreeBSD: {@code sa_family} is the second byte).
   */
  private static int nativeFamily(
      int fd, MemorySegment value, MemorySegment length, ErrnoCapture errno) {
    if (ABI.has("SO_DOMAIN")) {
      return intOption(fd, ABI.value("SO_DOMAIN"), value, length, errno);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocate(SockAddr.STORAGE_SIZE, 8);
      MemorySegment nameLength = arena.allocate(JAVA_INT);
      nameLength.set(JAVA_INT, 0, (int) SockAddr.STORAGE_SIZE);
      int r = Sockets.getsockname(fd, name, nameLength, errno);
      if (r < 0) {
        throw new IllegalArgumentException(
            "cannot inspect fd " + fd + ": " + Errno.exception("getsockname", -r).getMessage());
      }
      return SockAddr.nativeFamily(name, ABI);
    }
  }
}
