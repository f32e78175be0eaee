package zloop.engine.spi;

import zloop.EventLoop;

/** What the engine offers a backend it opens: the loop, a place to report failures, a guard. */
public interface LoopContext {

  /** The loop the backend serves. */
  EventLoop loop();

  /**
   * Reports a failure nobody else can receive (a completion for an unknown operation, say) to the
   * loop's exception handler. Loop thread.
   */
  void reportError(String message, Throwable exception);

  /**
   * Runs {@code callback.run(target, a, b, c)}, one I/O event, the way the loop runs every
   * callback: a {@link Throwable} it throws goes to the loop's exception handler (the rest of the
   * batch is still delivered), a {@link VirtualMachineError} propagates out of {@link
   * Backend#poll}, and in debug mode an event slower than the loop's slow-callback duration is
   * reported. A backend delivers every event that may reach user code through this method, so
   * that there is one guard whatever the backend. Loop thread.
   *
   * <p>The engine's context implements it; this default runs the callback unguarded (for probes
   * and backend test harnesses, which want a failure to surface).
   *
   * @return what the callback returned, or 1 if it threw (an event was delivered)
   */
  default <T> int dispatch(IoCallback<T> callback, T target, int a, int b, int c) {
    return callback.run(target, a, b, c);
  }

  /**
   * Whether the engine has work ready to run now (callbacks scheduled by user code the backend
   * called, say from a {@code getBuffer} while arming a receive). A backend must not block in
   * {@link Backend#poll} while this is true, whatever timeout it was given. Loop thread.
   */
  default boolean hasReadyWork() {
    return false;
  }
}
