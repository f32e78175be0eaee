package zloop.backend.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import zloop.posix.Downcalls;
import zloop.posix.ErrnoCapture;
import zloop.posix.Libc;

/** A non-blocking pipe for tests of watched descriptors. */
@SuppressWarnings("restricted")
final class Pipe implements AutoCloseable {

  // int pipe2(int pipefd[2], int flags); bound here because only tests need it.
  private static final MethodHandle PIPE2 =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("pipe2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;

  private final Arena arena = Arena.ofShared(); // tests may set up and run on different threads
  private final ErrnoCapture errno = new ErrnoCapture(arena);
  private final MemorySegment one = arena.allocate(8);
  int readFd;
  int writeFd;

  Pipe() {
    MemorySegment fds = arena.allocate(JAVA_INT, 2);
    try {
      assertEquals(0, (int) PIPE2.invokeExact(fds, O_NONBLOCK | O_CLOEXEC));
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    readFd = fds.getAtIndex(JAVA_INT, 0);
    writeFd = fds.getAtIndex(JAVA_INT, 1);
  }

  /** Makes the read end readable. */
  void writeByte() {
    assertEquals(1, Libc.write(writeFd, one, 1, errno));
  }

  void closeReadEnd() {
    if (readFd >= 0) {
      Libc.close(readFd, errno);
      readFd = -1;
    }
  }

  @Override
  public void close() {
    closeReadEnd();
    if (writeFd >= 0) {
      Libc.close(writeFd, errno);
      writeFd = -1;
    }
    arena.close();
  }
}
