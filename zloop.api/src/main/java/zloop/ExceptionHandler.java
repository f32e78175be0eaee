package zloop;

/**
 * Receives the failures that no caller can receive: an exception thrown by a callback, a task's
 * exception nobody retrieved, a transport error. Called on the loop thread. A handler that throws
 * is itself reported through the default handler; it never stops the loop.
 */
@FunctionalInterface
public interface ExceptionHandler {

  /**
   * Handles one failure.
   *
   * @param loop the loop it happened on
   * @param context what went wrong
   */
  void handle(EventLoop loop, ExceptionContext context);
}
