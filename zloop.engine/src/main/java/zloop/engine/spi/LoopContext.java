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
}
