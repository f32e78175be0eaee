package zloop.engine.spi;

import zloop.EventLoop;

/** What the engine offers a backend it opens: the loop, and a place to report failures. */
public interface LoopContext {

  /** The loop the backend serves. */
  EventLoop loop();

  /**
   * Reports a failure nobody else can receive (a completion for an unknown operation, say) to the
   * loop's exception handler. Loop thread.
   */
  void reportError(String message, Throwable exception);

  /**
   * Whether the engine has work ready to run now (callbacks scheduled by user code the backend
   * called, say from a {@code getBuffer} while arming a receive). A backend must not block in
   * {@link Backend#poll} while this is true, whatever timeout it was given. Loop thread.
   */
  default boolean hasReadyWork() {
    return false;
  }
}
