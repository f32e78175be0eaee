package zloop;

/**
 * A body of code running as a virtual thread whose scheduler is the loop: asyncio's {@code Task}.
 * The body runs on the loop thread, in blocking style: {@link Future#join()} parks the task and
 * the loop runs other work until the future is done.
 *
 * <p>{@link #cancel(String)} on a task that waits in {@link Future#join()} cancels the future it
 * waits on, so the task wakes with a {@link java.util.concurrent.CancellationException} thrown
 * from {@code join()}; a task that catches it and returns a value is not cancelled. A task that is
 * not waiting (it cancelled itself, or has not started) gets the exception at its next {@code
 * join()}; if it returns before reaching one, it still ends cancelled (asyncio's {@code __step}).
 * When a task is cancelled twice while it waits, the first message is the one it sees: the first
 * cancel already cancelled the future it waits on. Cancelled twice before it runs, the last message
 * wins. A task waiting on another loop's future is woken directly and leaves that future alone.
 *
 * <p>Each task is a virtual thread scheduled by its loop, and only that thread is the task: a
 * virtual thread the task starts (an executor's, a {@code StructuredTaskScope} subtask, a plain
 * {@code Thread.ofVirtual()}) runs on the JDK's default scheduler, off the loop, is not the
 * {@linkplain EventLoops#currentTask() current task}, and waits in {@code join()} like any other
 * thread. {@link EventLoop#close()} cancels and unwinds tasks that are still pending.
 *
 * <p>Only the body completes a task: {@link #setResult} and {@link #setException} throw {@link
 * IllegalStateException}, and so does a task's {@code join()} on itself (asyncio raises {@code
 * RuntimeError} for both).
 *
 * <p>A body that lets a {@link java.util.concurrent.CompletionException} out (what {@code join()}
 * throws for a failed future, see {@link Future}) fails the task with that exception's cause: a
 * failure passes through a chain of tasks unchanged, as an exception passes through asyncio's
 * {@code await}, and {@link #exception()} is the original, never join's wrapper.
 *
 * @param <T> the result type
 */
public interface Task<T> extends Future<T> {

  /**
   * The task's name ("Task-N" unless given).
   *
   * @return the name
   */
  String name();

  /**
   * Renames the task.
   *
   * @param name the new name
   */
  void setName(String name);

  /**
   * How many cancellation requests are pending: asyncio's {@code Task.cancelling()}.
   *
   * @return the count
   */
  int cancelling();

  /**
   * Withdraws one cancellation request and returns how many remain: asyncio's {@code
   * Task.uncancel()}, used by timeout scopes that turn their own cancellation into a timeout.
   *
   * @return the requests that remain
   */
  int uncancel();
}
