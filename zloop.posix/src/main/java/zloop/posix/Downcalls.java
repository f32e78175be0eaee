package zloop.posix;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

/**
 * What every hand-written binding needs besides its own function descriptors: libc's symbols, the
 * errno capture option, and the rule for failures of {@code invokeExact}.
 *
 * <p>Nothing here is a restricted method, so touching this class needs no native access; the
 * restricted {@code Linker.downcallHandle} call stays in each facility's class ({@link Libc},
 * {@code Epoll}, ...), in the module whose native access is checked.
 */
public final class Downcalls {

  /** Every syscall binding captures errno; read it back through an {@link ErrnoCapture}. */
  public static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final SymbolLookup LIBC = Linker.nativeLinker().defaultLookup();

  private Downcalls() {}

  /** The address of a libc function. A missing symbol is a bug in the binding, not a condition. */
  public static MemorySegment symbol(String name) {
    return LIBC.find(name).orElseThrow(() -> new AssertionError("libc has no symbol " + name));
  }

  /**
   * Turns what {@code invokeExact} threw into something to rethrow: use as {@code catch (Throwable
   * t) { throw Downcalls.unexpected(t); }}. A native function cannot throw, so only unchecked
   * failures of the call itself arrive here (a closed segment, a wrong type: bugs); they are
   * rethrown as they are, anything else is wrapped in an {@link AssertionError}.
   */
  public static Error unexpected(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      return e;
    }
    return new AssertionError("downcall threw a checked exception", t);
  }
}
