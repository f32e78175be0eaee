package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * {@code fcntl(2)} for what every descriptor zloop serves must be: non-blocking and close-on-exec,
 * with the host's numbers ({@link PosixAbi}: {@code O_NONBLOCK} is 04000 on Linux and 4 on the
 * BSDs). Where the OS lacks {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} and {@code accept4} (macOS)
 * this is how a new socket gets those flags, just after it is made.
 */
@SuppressWarnings("restricted") // binding fcntl is this class's job
final class DescriptorFlags {

  private static final PosixAbi ABI = PosixAbi.host();
  private static final int F_SETFD = ABI.value("F_SETFD");
  private static final int F_GETFL = ABI.value("F_GETFL");
  private static final int F_SETFL = ABI.value("F_SETFL");
  private static final int FD_CLOEXEC = ABI.value("FD_CLOEXEC");
  private static final int O_NONBLOCK = ABI.value("O_NONBLOCK");

  // int fcntl(int fd, int cmd, ... /* arg */); the argument is the variadic int it is in C.
  private static final MethodHandle FCNTL =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("fcntl"),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
              Linker.Option.firstVariadicArg(2),
              Downcalls.CAPTURE_ERRNO);

  private DescriptorFlags() {}

  /** Sets {@code O_NONBLOCK} (if not set) and {@code FD_CLOEXEC}: {@code 0} or {@code -errno}. */
  static int makeNonBlockingCloseOnExec(int fd, ErrnoCapture errno) {
    int flags = fcntl(fd, F_GETFL, 0, errno);
    if (flags < 0) {
      return flags;
    }
    if ((flags & O_NONBLOCK) == 0) {
      int r = fcntl(fd, F_SETFL, flags | O_NONBLOCK, errno);
      if (r < 0) {
        return r;
      }
    }
    int r = fcntl(fd, F_SETFD, FD_CLOEXEC, errno);
    return r < 0 ? r : 0;
  }

  private static int fcntl(int fd, int cmd, int arg, ErrnoCapture errno) {
    try {
      int r = (int) FCNTL.invokeExact(errno.segment(), fd, cmd, arg);
      return r < 0 ? -errno.get() : r;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }
}
