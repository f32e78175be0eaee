package zloop;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * Tasks that live and die together: asyncio's {@code TaskGroup}, in two Java shapes.
 *
 * <h2>The block form: {@link EventLoop#withTaskGroup}</h2>
 *
 * <pre>{@code
 * List<String> pages = loop.withTaskGroup(g -> {
 *   Task<String> a = g.createTask(() -> fetch("a"));
 *   Task<String> b = g.createTask(() -> fetch("b"));
 *   return null;             // the group waits for a and b before returning
 * });
 * }</pre>
 *
 * This form has asyncio's semantics in full. The first child that fails cancels the other
 * children and the body (the task running the group), which sees a {@link CancellationException}
 * at the {@link Future#join()} it waits in; once every child is done, the group throws a {@link
 * TaskGroupException} carrying every failure, and the task is not left cancelled (the group
 * withdraws its own request with {@link Task#uncancel()}). An exception the body throws counts as
 * a failure too: it cancels the children and joins the others in the {@code TaskGroupException}.
 *
 * <h2>The {@code try}-with-resources form: {@link EventLoop#taskGroup()}</h2>
 *
 * <pre>{@code
 * try (TaskGroup g = loop.taskGroup()) {
 *   g.createTask(() -> fetch("a"));
 *   g.createTask(() -> fetch("b"));
 * }                           // close() waits for both
 * }</pre>
 *
 * Java calls {@link #close()} without telling it whether the body threw, and when close() throws
 * while an exception leaves the body, Java keeps the body's exception and adds close()'s as
 * {@linkplain Throwable#getSuppressed() suppressed}. So this form differs from asyncio in two
 * ways, on purpose: a failing child cancels the other children but <em>not</em> the body (were
 * the body cancelled, its {@link CancellationException} would hide the {@code
 * TaskGroupException}, and the task would end looking cancelled); and an exception from the body
 * does not reach the group, whose children then run to their end before that exception goes on
 * with close()'s outcome suppressed in it. Use the block form when the body waits or can fail.
 *
 * <h2>Rules both forms share</h2>
 *
 * <ul>
 *   <li>The group belongs to the task that made it, and only that task may close it. Children
 *       are ordinary tasks of the loop ({@link EventLoop#createTask}).
 *   <li>A child that ends cancelled is not a failure; the others go on.
 *   <li>A cancellation of the task running the group (from outside) cancels the children, waits
 *       for them, and is then passed on as a {@link CancellationException}, unless a child failed:
 *       failures win, and the task keeps its cancellation request pending, as in asyncio. The
 *       group detects it by {@link Task#cancelling()} rising above its value when the group was
 *       made: a task that swallows a cancellation should {@link Task#uncancel()} it (asyncio's
 *       rule), or the group takes it for one still under way.
 *   <li>An {@link Error} (a child's or the body's) plays asyncio's {@code KeyboardInterrupt} and
 *       {@code SystemExit}: it cancels the rest like any failure, but once the children are done
 *       it is thrown as it is, not wrapped, and the group's other failures go to the loop's
 *       exception handler so that none is lost. Other throwables are grouped.
 *   <li>Once the group is shutting down (a failure, a cancellation, {@link #cancel()}) it refuses
 *       new tasks, and it refuses them once closed: {@link IllegalStateException}.
 * </ul>
 */
public interface TaskGroup extends AutoCloseable {

  /**
   * Starts the body as a child task named "Task-N". Loop thread.
   *
   * @param <T> the result type
   * @param body the child's body
   * @return the child task
   * @throws IllegalStateException if the group is shutting down ("TaskGroup is shutting down") or
   *     closed ("TaskGroup is finished")
   */
  default <T> Task<T> createTask(Callable<T> body) {
    return createTask(body, null);
  }

  /**
   * Starts the body as a child task with a name. Loop thread.
   *
   * @param <T> the result type
   * @param body the child's body
   * @param name the task's name, or {@code null} for "Task-N"
   * @return the child task
   * @throws IllegalStateException if the group is shutting down or closed
   */
  <T> Task<T> createTask(Callable<T> body, String name);

  /**
   * Shuts the group down without a failure: cancels every child that is not done and, in the
   * block form while the body runs, the body too; the group then ends without a {@link
   * CancellationException} (asyncio's {@code TaskGroup.cancel()}, Python 3.15). Idempotent, and a
   * no-op once the group is closed. Loop thread.
   */
  void cancel();

  /**
   * Waits until every child is done, then reports: throws a {@link TaskGroupException} if children
   * failed, the {@link Error} if one ended a child, a {@link CancellationException} if the task
   * running the group was cancelled from outside meanwhile; returns otherwise. Idempotent: later
   * calls return at once. Must be called from the task that made the group.
   *
   * @throws TaskGroupException carrying the children's failures
   * @throws CancellationException if the task running the group was cancelled and no child failed
   * @throws IllegalStateException if called from another task or thread
   */
  @Override
  void close();

  /**
   * The body of {@link EventLoop#withTaskGroup}: receives the group, returns the value the call
   * returns once the group's children are done.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  interface Body<T> {
    /**
     * Runs with the group open.
     *
     * @param group the group to start children in
     * @return the value {@link EventLoop#withTaskGroup} returns
     * @throws Exception any failure, which aborts the group and joins its failures
     */
    T run(TaskGroup group) throws Exception;
  }
}
