package zloop.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The scheduler of one task's virtual thread: the JDK hands it the thread's continuation each
 * time the thread becomes runnable, and it queues the continuation as a loop callback, so the task
 * runs on the loop thread. One carrier per task, reused for every step: a step allocates nothing.
 */
final class TaskCarrier extends Callback implements Executor {
  private final Loop loop;
  private final LoopTask<?> task;
  private Runnable continuation;

  TaskCarrier(Loop loop, LoopTask<?> task) {
    this.loop = loop;
    this.task = task;
  }

  @Override
  public void execute(Runnable command) {
    if (loop.isClosed()) {
      throw new RejectedExecutionException("Event loop is closed: " + task.describe() + " cannot run");
    }
    if (loop.inLoopThread()) {
      continuation = command;
      loop.scheduleInternal(this);
    } else {
      // An unpark from another thread (a timed park, another loop's future): hop in.
      loop.callSoonThreadsafe(() -> loop.runMounted(task, command));
    }
  }

  @Override
  void run() {
    Runnable c = continuation;
    continuation = null;
    loop.runMounted(task, c);
  }
}
