package zloop.engine.task;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.Task;
import zloop.TaskGroup;
import zloop.TaskGroupException;
import zloop.engine.Loop;

/**
 * asyncio's {@code TaskGroup} on a loop: the children, the failures in the order they happened,
 * and the bookkeeping of the cancellations the group asks for. One instance serves both forms (see
 * {@link TaskGroup}): {@link #runBlock} is {@code async with} in full, {@link #close()} alone is
 * the {@code try}-with-resources form, which never cancels the body.
 */
final class LoopTaskGroup implements TaskGroup {
  private static final String PARENT_CANCEL = "a task of the TaskGroup failed";

  private final Loop loop;
  private final LoopTask<?> parent;
  /** The parent's {@link LoopTask#cancelling()} when the group was made. */
  private final int cancellingOnEntry;

  private final Set<Task<?>> children = new LinkedHashSet<>();
  private final List<Throwable> failures = new ArrayList<>();
  private final Consumer<Future<?>> onChildDone = this::childDone;

  /** The first {@link Error}: thrown as it is once the children are done. */
  private Error fatal;
  /** Shutting down: children were cancelled, new ones are refused. */
  private boolean aborting;
  /** close() has begun. */
  private boolean exiting;
  /** close() has returned or thrown. */
  private boolean closed;
  /** The block form's body is running: a failure cancels it, as asyncio cancels its parent. */
  private boolean bodyRunning;
  /** The group cancelled its parent and must withdraw that request ({@link LoopTask#uncancel}). */
  private boolean parentCancelRequested;
  /** Completed when the last child is done, while close() waits for it. */
  private LoopFuture<Void> lastChildDone;

  private LoopTaskGroup(Loop loop, LoopTask<?> parent) {
    this.loop = loop;
    this.parent = parent;
    this.cancellingOnEntry = parent.cancelling();
  }

  /** A group owned by the current task, for {@code try}-with-resources. */
  static LoopTaskGroup open(Loop loop) {
    LoopTask<?> parent = LoopTask.current();
    if (parent == null || parent.loop != loop) {
      throw new IllegalStateException(
          "TaskGroup cannot determine the parent task: create it in a task of this loop");
    }
    return new LoopTaskGroup(loop, parent);
  }

  /** {@code async with TaskGroup() as g: body}: the body's exceptions take part in the group. */
  static <T> T runBlock(Loop loop, Body<T> body) {
    LoopTaskGroup group = open(loop);
    group.bodyRunning = true;
    T value = null;
    CancellationException bodyCancelled = null;
    try {
      value = body.run(group);
    } catch (CancellationException e) {
      bodyCancelled = e;
    } catch (Throwable t) {
      group.recordFailure(t);
    } finally {
      group.bodyRunning = false;
    }
    if (bodyCancelled != null || !group.failures.isEmpty()) {
      group.abort(); // the body's own exit aborts the group: asyncio's __aexit__ with an exception
    }
    group.exit(bodyCancelled != null, bodyCancelled);
    return value;
  }

  @Override
  public <T> Task<T> createTask(Callable<T> body, String name) {
    loop.checkThread();
    if (closed || (exiting && children.isEmpty())) {
      throw new IllegalStateException("TaskGroup is finished");
    }
    if (aborting) {
      throw new IllegalStateException("TaskGroup is shutting down");
    }
    Task<T> task = loop.createTask(body, name);
    children.add(task);
    task.addDoneCallback(onChildDone);
    return task;
  }

  @Override
  public void cancel() {
    loop.checkThread();
    if (closed || (exiting && children.isEmpty()) || aborting) {
      return;
    }
    abort();
    cancelBody();
  }

  /**
   * The {@code try}-with-resources exit. The body's outcome is unknown here, so a cancellation of
   * the parent requested since the group was made (and not the group's own) is taken as one under
   * way: it aborts the group and is passed on.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    checkParent();
    int own = parentCancelRequested ? 1 : 0;
    boolean cancelledFromOutside = parent.cancelling() > cancellingOnEntry + own;
    if (cancelledFromOutside) {
      abort();
    }
    exit(cancelledFromOutside, null);
  }

  /**
   * Waits for the children and reports, asyncio's {@code _aexit}.
   *
   * @param propagateCancellation whether a cancellation of the parent is under way
   * @param cancellation the body's {@link CancellationException}, thrown again if it is passed on
   */
  private void exit(boolean propagateCancellation, CancellationException cancellation) {
    checkParent();
    exiting = true;
    boolean propagate = propagateCancellation;
    CancellationException pending = null;
    try {
      while (!children.isEmpty()) {
        lastChildDone = new LoopFuture<>(loop);
        try {
          lastChildDone.join();
        } catch (CancellationException e) {
          // The parent is cancelled while waiting (perhaps again): cancel the children, keep
          // waiting for them, and pass the cancellation on afterwards unless it was our own.
          pending = e;
          if (!aborting) {
            propagate = true;
            abort();
          }
        } finally {
          lastChildDone = null;
        }
      }
    } finally {
      closed = true;
    }
    if (parentCancelRequested) {
      parentCancelRequested = false;
      if (parent.uncancel() <= cancellingOnEntry) {
        propagate = false; // the only cancellation was the group's own
      } else if (!propagate && pending != null) {
        propagate = true; // another cancellation arrived meanwhile: do not drop it
      }
    }
    if (fatal != null) {
      reportAllBut(fatal);
      throw fatal;
    }
    if (propagate && failures.isEmpty()) {
      throw cancellation != null
          ? cancellation
          : pending != null
              ? pending
              : new CancellationException("the task running the TaskGroup was cancelled");
    }
    if (!failures.isEmpty()) {
      if (parent.cancelling() > cancellingOnEntry) {
        // A cancellation from outside is pending but the failures win: re-arm it, keeping the
        // count, so that the task's next wait sees it (asyncio's uncancel-then-cancel).
        parent.uncancel();
        parent.cancel(null);
      }
      throw new TaskGroupException(failures);
    }
  }

  private void checkParent() {
    if (LoopTask.current() != parent) {
      throw new IllegalStateException("a TaskGroup must be closed by the task that created it");
    }
  }

  private void childDone(Future<?> child) {
    children.remove(child);
    if (lastChildDone != null && children.isEmpty()) {
      lastChildDone.tryComplete(null);
    }
    if (child.isCancelled()) {
      return; // a cancelled child is not a failure
    }
    Throwable failure = child.exception();
    if (failure == null) {
      return;
    }
    recordFailure(failure);
    if (parent.isDone()) {
      // The group was never closed and its task is gone: nobody else will hear of this.
      loop.callExceptionHandler(
          ExceptionContext.of(
                  "a task of a TaskGroup failed after the group's task had finished", failure)
              .withFuture(child));
      return;
    }
    if (!aborting) {
      abort();
      cancelBody();
    }
  }

  private void recordFailure(Throwable failure) {
    failures.add(failure);
    if (failure instanceof Error error && fatal == null) {
      fatal = error;
    }
  }

  /** Cancels the block form's body, once; the request is withdrawn when the group exits. */
  private void cancelBody() {
    if (bodyRunning && !parentCancelRequested) {
      parentCancelRequested = true;
      parent.cancel(PARENT_CANCEL);
    }
  }

  private void abort() {
    aborting = true;
    for (Task<?> child : List.copyOf(children)) {
      if (!child.isDone()) {
        child.cancel(null);
      }
    }
  }

  /** The failures an {@link Error} leaves unthrown go to the handler, so that none is lost. */
  private void reportAllBut(Error thrown) {
    for (Throwable failure : failures) {
      if (failure != thrown) {
        loop.callExceptionHandler(
            ExceptionContext.of(
                "a TaskGroup failure was not propagated because an Error ends the group", failure));
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("TaskGroup[");
    s.append(closed ? "finished" : aborting ? "cancelling" : "entered");
    if (!children.isEmpty()) {
      s.append(" tasks=").append(children.size());
    }
    if (!failures.isEmpty()) {
      s.append(" errors=").append(failures.size());
    }
    return s.append(']').toString();
  }
}
