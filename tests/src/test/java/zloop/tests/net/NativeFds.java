package zloop.tests.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Socket descriptors made the way another library would make them, outside zloop (blocking, not
 * close-on-exec): libc called directly, for the adoption tests. Linux constants.
 */
@SuppressWarnings("restricted") // the point is a descriptor zloop did not make
final class NativeFds {
  static final int AF_UNIX = 1;
  static final int AF_INET = 2;
  static final int SOCK_STREAM = 1;
  static final int SOCK_DGRAM = 2;
  static final int O_NONBLOCK = 04000;
  private static final int F_GETFL = 3;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle SOCKET = handle("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle SOCKETPAIR =
      handle("socketpair", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
  private static final MethodHandle LISTEN = handle("listen", JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle CLOSE = handle("close", JAVA_INT, JAVA_INT);
  private static final MethodHandle OPEN = handle("open", JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle FCNTL =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("fcntl").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2));

  private NativeFds() {}

  private static MethodHandle handle(String name, java.lang.foreign.MemoryLayout result, java.lang.foreign.MemoryLayout... args) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().find(name).orElseThrow(), FunctionDescriptor.of(result, args));
  }

  static int socket(int domain, int type) {
    return check("socket", call(() -> (int) SOCKET.invokeExact(domain, type, 0)));
  }

  /** Makes a socket listen; an unbound TCP socket gets an ephemeral port on every address. */
  static void listen(int fd, int backlog) {
    check("listen", call(() -> (int) LISTEN.invokeExact(fd, backlog)));
  }

  /** A connected pair of Unix stream sockets. */
  static int[] socketpair() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment sv = arena.allocate(JAVA_INT, 2);
      check("socketpair", call(() -> (int) SOCKETPAIR.invokeExact(AF_UNIX, SOCK_STREAM, 0, sv)));
      return new int[] {sv.getAtIndex(JAVA_INT, 0), sv.getAtIndex(JAVA_INT, 1)};
    }
  }

  /** Opens {@code /dev/null}: a descriptor that is not a socket. */
  static int devNull() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment path = arena.allocateFrom("/dev/null");
      return check("open", call(() -> (int) OPEN.invokeExact(path, 0)));
    }
  }

  static int statusFlags(int fd) {
    return check("fcntl", call(() -> (int) FCNTL.invokeExact(fd, F_GETFL, 0)));
  }

  static void close(int fd) {
    check("close", call(() -> (int) CLOSE.invokeExact(fd)));
  }

  private interface IntCall {
    int run() throws Throwable;
  }

  private static int call(IntCall c) {
    try {
      return c.run();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  private static int check(String what, int r) {
    if (r < 0) {
      throw new AssertionError(what + " failed");
    }
    return r;
  }
}
