package zloop.test.support;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Lowers this process's descriptor limit ({@code RLIMIT_NOFILE}) so that the next descriptor the
 * kernel hands out fails with {@code EMFILE}, and restores it on {@link #close()}. Keep the window
 * short: every thread of the JVM shares the limit.
 */
public final class FdLimit implements AutoCloseable {

  private final Arena arena = Arena.ofShared();
  private final MemorySegment saved = arena.allocate(16, 8);

  /** Sets the soft limit to {@code lowestFreeFd}, so no new descriptor can be created. */
  public FdLimit(int lowestFreeFd) {
    try {
      assertEquals(0, (int) Libc.GETRLIMIT.invokeExact(Libc.RLIMIT_NOFILE, saved));
      MemorySegment lowered = arena.allocate(16, 8);
      lowered.set(JAVA_LONG, 0, lowestFreeFd);
      lowered.set(JAVA_LONG, 8, saved.get(JAVA_LONG, 8));
      assertEquals(0, (int) Libc.SETRLIMIT.invokeExact(Libc.RLIMIT_NOFILE, lowered));
    } catch (Throwable t) {
      throw new AssertionError("lowering RLIMIT_NOFILE", t);
    }
  }

  @Override
  public void close() {
    try {
      assertEquals(0, (int) Libc.SETRLIMIT.invokeExact(Libc.RLIMIT_NOFILE, saved));
    } catch (Throwable t) {
      throw new AssertionError("restoring RLIMIT_NOFILE", t);
    } finally {
      arena.close();
    }
  }
}
