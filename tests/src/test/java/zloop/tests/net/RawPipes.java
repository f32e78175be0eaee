package zloop.tests.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw pipes for the pipe-transport tests: the descriptors a user would own ({@code pipe2} with
 * close-on-exec, blocking), and blocking {@code write}/{@code close} on them from the test.
 */
@SuppressWarnings("restricted")
final class RawPipes {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle PIPE2 = handle("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle WRITE =
      handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final int O_CLOEXEC = 02000000;

  private RawPipes() {}

  private static MethodHandle handle(String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d);
  }

  /** A new pipe: {read end, write end}. */
  static int[] pipe() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment fds = a.allocate(JAVA_INT, 2);
      int r = (int) PIPE2.invokeExact(fds, O_CLOEXEC);
      if (r != 0) {
        throw new IllegalStateException("pipe2 failed");
      }
      return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Writes all of {@code data} (blocking). */
  static void writeAll(int fd, byte[] data) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment seg = a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, data);
      long off = 0;
      while (off < data.length) {
        long n = (long) WRITE.invokeExact(fd, seg.asSlice(off), (long) data.length - off);
        if (n <= 0) {
          throw new IllegalStateException("write failed: " + n);
        }
        off += n;
      }
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static void close(int fd) {
    try {
      int r = (int) CLOSE.invokeExact(fd);
      if (r != 0) {
        throw new IllegalStateException("close failed");
      }
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
