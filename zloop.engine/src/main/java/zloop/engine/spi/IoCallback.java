package zloop.engine.spi;

/**
 * One kind of I/O event a backend delivers, as a static, non-capturing function of its target and
 * up to three {@code int}s (ready bits; or kind, result and flags of a completion), so that {@link
 * LoopContext#dispatch} can run it under the loop's guard without allocating anything per event.
 *
 * @param <T> what the event is for (a socket, a registration, a ring user)
 */
@FunctionalInterface
public interface IoCallback<T> {

  /**
   * Delivers the event to {@code target}.
   *
   * @return how many events reached a handler (what {@link Backend#poll} counts)
   */
  int run(T target, int a, int b, int c);
}
