package zloop.test.support;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A non-blocking, close-on-exec pipe: two raw descriptors no loop owns, for tests of watched
 * descriptors.
 */
public final class Pipe implements AutoCloseable {

  private final Arena arena = Arena.ofShared(); // tests may set up and run on different threads
  private final MemorySegment one = arena.allocate(8);

  /** The read end, or -1 once closed. */
  public int readFd;

  /** The write end, or -1 once closed. */
  public int writeFd;

  public Pipe() {
    MemorySegment fds = arena.allocate(JAVA_INT, 2);
    try {
      assertEquals(0, (int) Libc.PIPE2.invokeExact(fds, Libc.O_NONBLOCK | Libc.O_CLOEXEC));
    } catch (Throwable t) {
      throw new AssertionError("pipe2", t);
    }
    readFd = fds.getAtIndex(JAVA_INT, 0);
    writeFd = fds.getAtIndex(JAVA_INT, 1);
  }

  /** Makes the read end readable. */
  public void writeByte() {
    assertEquals(1, Libc.write(writeFd, one, 1));
  }

  public void closeReadEnd() {
    if (readFd >= 0) {
      Libc.close(readFd);
      readFd = -1;
    }
  }

  /** Closes the write end: the read end sees a hang-up. */
  public void closeWriteEnd() {
    if (writeFd >= 0) {
      Libc.close(writeFd);
      writeFd = -1;
    }
  }

  @Override
  public void close() {
    closeReadEnd();
    closeWriteEnd();
    arena.close();
  }
}
