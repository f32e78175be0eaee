package zloop;

/**
 * A body of code running as a virtual thread whose scheduler is the loop: asyncio's {@code Task}.
 * The body runs on the loop thread, in blocking style: {@link Future#join()} parks the task and
 * the loop runs other work until the future is done.
 *
 * <p>{@link #cancel(String)} on a task that waits in {@link Future#join()} cancels the future it
 * waits on, so the task wakes with a {@link java.util.concurrent.CancellationException} thrown
 * from {@code join()}; a task that catches it and returns a value is not cancelled.
 *
 * @param <T> the result type
 */
public interface Task<T> extends Future<T> {

  /** The task's name ("Task-N" unless given). */
  String name();

  /** Renames the task. */
  void setName(String name);

  /** How many cancellation requests are pending: asyncio's {@code Task.cancelling()}. */
  int cancelling();

  /**
   * Withdraws one cancellation request and returns how many remain: asyncio's {@code
   * Task.uncancel()}, used by timeout scopes that turn their own cancellation into a timeout.
   */
  int uncancel();
}
