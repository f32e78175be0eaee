package zloop.backend.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import zloop.posix.Downcalls;

/**
 * Lowers this process's descriptor limit ({@code RLIMIT_NOFILE}) so that the next descriptor the
 * kernel hands out fails with {@code EMFILE}, and restores it on {@link #close()}. Keep the window
 * short: every thread of the JVM shares the limit.
 */
@SuppressWarnings("restricted")
final class FdLimit implements AutoCloseable {

  private static final int RLIMIT_NOFILE = 7;

  // int getrlimit(int resource, struct rlimit *rlim); struct rlimit { rlim_t cur, max; };
  private static final MethodHandle GETRLIMIT =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("getrlimit"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

  // int setrlimit(int resource, const struct rlimit *rlim);
  private static final MethodHandle SETRLIMIT =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("setrlimit"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

  private final Arena arena = Arena.ofShared();
  private final MemorySegment saved = arena.allocate(16, 8);

  /** Sets the soft limit to {@code lowestFreeFd}, so no new descriptor can be created. */
  FdLimit(int lowestFreeFd) {
    try {
      assertEquals(0, (int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, saved));
      MemorySegment lowered = arena.allocate(16, 8);
      lowered.set(JAVA_LONG, 0, lowestFreeFd);
      lowered.set(JAVA_LONG, 8, saved.get(JAVA_LONG, 8));
      assertEquals(0, (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, lowered));
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  @Override
  public void close() {
    try {
      assertEquals(0, (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, saved));
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    } finally {
      arena.close();
    }
  }
}
