package zloop.test.support;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The few libc calls the test helpers make, bound here rather than borrowed from zloop.posix: the
 * posix module's own tests use these helpers, and zloop.posix exports nothing to tests. Tests only:
 * no errno capture, a failure is an assertion.
 */
@SuppressWarnings("restricted")
final class Libc {

  private Libc() {}

  private static final Linker LINKER = Linker.nativeLinker();

  // int pipe2(int pipefd[2], int flags);
  static final MethodHandle PIPE2 = bind("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  // ssize_t write(int fd, const void *buf, size_t count);
  static final MethodHandle WRITE =
      bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  // int close(int fd);
  static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  // int getrlimit(int resource, struct rlimit *rlim); struct rlimit { rlim_t cur, max; };
  static final MethodHandle GETRLIMIT =
      bind("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  // int setrlimit(int resource, const struct rlimit *rlim);
  static final MethodHandle SETRLIMIT =
      bind("setrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

  static final int O_NONBLOCK = 04000;
  static final int O_CLOEXEC = 02000000;
  static final int RLIMIT_NOFILE = 7;

  static int close(int fd) {
    try {
      return (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw new AssertionError("close", t);
    }
  }

  static long write(int fd, MemorySegment bytes, long count) {
    try {
      return (long) WRITE.invokeExact(fd, bytes, count);
    } catch (Throwable t) {
      throw new AssertionError("write", t);
    }
  }

  private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new AssertionError(name + " is not in the C library"));
    return LINKER.downcallHandle(symbol, descriptor);
  }
}
