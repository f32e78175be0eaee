package zloop.engine.task;

import java.util.concurrent.Executor;
import zloop.engine.Callback;
import zloop.engine.Loop;

/**
 * The scheduler of one task's virtual thread: the JDK hands it the thread's continuation each
 * time the thread becomes runnable, and it queues the continuation as a loop callback, so the task
 * runs on the loop thread. One carrier per task, reused for every step: a step allocates nothing.
 *
 * <p>Only the task's own thread runs on the loop. A virtual thread created inside the task
 * without an explicit scheduler inherits this carrier (the JDK hands a child its parent's
 * scheduler); its continuations are sent to the JDK's default scheduler instead, so an executor,
 * a {@code StructuredTaskScope} subtask or a plain {@code Thread.ofVirtual()} started from a task
 * runs off the loop, in parallel, as it would anywhere else. The task's continuation is the first
 * one submitted (by {@link LoopTask#start}); the JDK resubmits that same object at every wake-up.
 *
 * <p>{@link #execute} never throws: an unpark of a task thread must not fail in the unparking
 * thread (a future's completion, a lock release) because the task's loop is gone.
 */
final class TaskCarrier extends Callback implements Executor {
  private final Loop loop;
  private final LoopTask<?> task;
  /** The task thread's continuation; set by the first submission, from {@link LoopTask#start}. */
  private volatile Runnable own;
  /** The continuation queued on the loop; one at most, as the JDK submits it once per wake-up. */
  private Runnable continuation;

  TaskCarrier(Loop loop, LoopTask<?> task) {
    this.loop = loop;
    this.task = task;
  }

  @Override
  public void execute(Runnable command) {
    Runnable mine = own;
    if (mine == null) {
      own = command;
    } else if (command != mine) {
      VirtualThreads.defaultScheduler().execute(command); // a child thread: off the loop
      return;
    }
    if (loop.isClosed()) {
      abandon();
      return;
    }
    if (loop.inLoopThread()) {
      continuation = command;
      loop.scheduleInternal(this);
      return;
    }
    // An unpark from another thread (a timed park, another loop's future): hop in.
    try {
      loop.callSoonThreadSafe(() -> loop.runMounted(task, command));
    } catch (zloop.EventLoopClosedException closedMeanwhile) {
      abandon();
    }
  }

  /** The loop closed under a live task (close() unwinds them, so only after a VM error). */
  private void abandon() {
    loop.errors()
        .logDefault(
            new zloop.ExceptionContext(
                "Task was destroyed but it is pending! (its event loop is closed)",
                null,
                null,
                task,
                null,
                null));
  }

  @Override
  public void run() {
    Runnable c = continuation;
    continuation = null;
    loop.runMounted(task, c);
  }

  @Override
  public String toString() {
    return "TaskStep[" + task.describe() + "]";
  }
}
