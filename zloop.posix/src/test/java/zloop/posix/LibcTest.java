package zloop.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** read, write and close on a non-blocking pipe. */
@SuppressWarnings("restricted")
class LibcTest {

  // int pipe2(int pipefd[2], int flags); bound here because only this test needs it.
  private static final MethodHandle PIPE2 =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("pipe2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;

  private Arena arena;
  private ErrnoCapture errno;
  private int readFd;
  private int writeFd;

  @BeforeEach
  void openPipe() throws Throwable {
    arena = Arena.ofConfined();
    errno = new ErrnoCapture(arena);
    MemorySegment fds = arena.allocate(JAVA_INT, 2);
    assertEquals(0, (int) PIPE2.invokeExact(fds, O_NONBLOCK | O_CLOEXEC));
    readFd = fds.getAtIndex(JAVA_INT, 0);
    writeFd = fds.getAtIndex(JAVA_INT, 1);
  }

  @AfterEach
  void closePipe() {
    Libc.close(readFd, errno);
    Libc.close(writeFd, errno);
    arena.close();
  }

  @Test
  void writtenBytesReadBack() {
    byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
    MemorySegment out = arena.allocateFrom(new String(hello, StandardCharsets.US_ASCII));
    MemorySegment in = arena.allocate(16);

    assertEquals(5, Libc.write(writeFd, out, 5, errno));
    assertEquals(5, Libc.read(readFd, in, in.byteSize(), errno));
    assertArrayEquals(hello, in.asSlice(0, 5).toArray(JAVA_BYTE));
  }

  @Test
  void emptyNonBlockingPipeReadsMinusEagain() {
    assertEquals(-Errno.EAGAIN, Libc.read(readFd, arena.allocate(8), 8, errno));
  }

  @Test
  void closedWriteEndReadsEof() {
    assertEquals(0, Libc.close(writeFd, errno));
    assertEquals(0, Libc.read(readFd, arena.allocate(8), 8, errno));
    assertEquals(-Errno.EBADF, Libc.close(writeFd, errno));
    writeFd = -1;
  }

  @Test
  void writeIgnoringErrnoReportsCountOrMinusOne() {
    MemorySegment one = arena.allocate(8);
    assertEquals(8, Libc.writeIgnoringErrno(writeFd, one, 8));
    assertEquals(-1, Libc.writeIgnoringErrno(-1, one, 8));
  }
}
