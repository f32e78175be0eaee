package zloop.backend.iouring;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import zloop.posix.Downcalls;
import zloop.posix.ErrnoCapture;

/**
 * Whether a descriptor number is open: {@code fcntl(fd, F_GETFD)}, for {@code watchFd}'s promise
 * to reject a closed descriptor at once (the ring would only say so in a later completion).
 * zloop.posix has no fcntl binding, so this one lives here.
 */
@SuppressWarnings("restricted") // binding fcntl is this class's job
final class Descriptors {

  private static final int F_GETFD = 1;

  // int fcntl(int fd, int cmd, ...); called without variadic arguments.
  private static final MethodHandle FCNTL =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("fcntl"),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
              Linker.Option.firstVariadicArg(2),
              Downcalls.CAPTURE_ERRNO);

  private Descriptors() {}

  /** Whether {@code fd} names an open file description of this process. */
  static boolean isOpen(int fd, ErrnoCapture errno) {
    try {
      return (int) FCNTL.invokeExact(errno.segment(), fd, F_GETFD) >= 0;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }
}
