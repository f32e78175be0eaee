package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A socket descriptor made outside zloop, checked and made fit for a loop before a backend wraps
 * it (asyncio's {@code sock=} arguments and {@code connect_accepted_socket}).
 *
 * @param domain {@link Sockets#AF_INET}, {@link Sockets#AF_INET6} or {@link Sockets#AF_UNIX}
 * @param listening whether {@code listen} was called on it ({@code SO_ACCEPTCONN})
 * @param connected whether it has a peer ({@code getpeername} succeeds)
 */
@SuppressWarnings("restricted") // binding fcntl is this class's job
public record ForeignSocket(int domain, boolean listening, boolean connected) {

  private static final int SO_TYPE = 3;
  private static final int SO_ACCEPTCONN = 30;
  private static final int SO_DOMAIN = 39;
  private static final int F_SETFD = 2;
  private static final int F_GETFL = 3;
  private static final int F_SETFL = 4;
  private static final int FD_CLOEXEC = 1;
  private static final int O_NONBLOCK = 04000;

  // int fcntl(int fd, int cmd, ... /* arg */); the argument is the variadic int it is in C.
  private static final MethodHandle FCNTL =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("fcntl"),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
              Linker.Option.firstVariadicArg(2),
              Downcalls.CAPTURE_ERRNO);

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
      int domain = intOption(fd, SO_DOMAIN, value, length, errno);
      if (domain != Sockets.AF_INET && domain != Sockets.AF_INET6 && domain != Sockets.AF_UNIX) {
        throw new IllegalArgumentException(
            "only IPv4, IPv6 and Unix sockets can be adopted; fd " + fd + " is of family " + domain);
      }
      boolean listening = intOption(fd, SO_ACCEPTCONN, value, length, errno) != 0;
      MemorySegment peer = arena.allocate(128);
      length.set(JAVA_INT, 0, (int) peer.byteSize());
      boolean connected = Sockets.getpeername(fd, peer, length, errno) == 0;
      int flags = fcntl(fd, F_GETFL, 0, errno);
      if ((flags & O_NONBLOCK) == 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK, errno);
      }
      fcntl(fd, F_SETFD, FD_CLOEXEC, errno);
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

  private static int fcntl(int fd, int cmd, int arg, ErrnoCapture errno) throws IOException {
    int r;
    try {
      r = (int) FCNTL.invokeExact(errno.segment(), fd, cmd, arg);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
    if (r < 0) {
      throw Errno.exception("fcntl", errno.get());
    }
    return r;
  }
}
