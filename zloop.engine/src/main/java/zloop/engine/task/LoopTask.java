package zloop.engine.task;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import zloop.Task;
import zloop.TimerHandle;
import zloop.engine.Loop;

/**
 * A task: the body runs on a virtual thread whose scheduler is the loop ({@link TaskCarrier}), so
 * every step of it runs on the loop thread, between other callbacks.
 *
 * <p>Cancellation follows asyncio: cancelling a task that waits on a future cancels that future,
 * which wakes the task with a {@link CancellationException} from {@code join()}; a task that is
 * not waiting gets the exception at its next {@code join()} (or before its first step). A task
 * waiting on another loop's future is woken at once and that future is left alone, so a cancelled
 * task never depends on a second loop running and never cancels that loop's future.
 *
 * <p>"The current task" is bound to the task's own thread: a {@link ScopedValue} is inherited by
 * {@code StructuredTaskScope} subtasks, which are other threads and must not act as the task.
 */
public final class LoopTask<T> extends LoopFuture<T> implements Task<T> {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final ScopedValue<LoopTask<?>> CURRENT = ScopedValue.newInstance();

  private final Callable<T> body;
  private final TaskCarrier carrier;
  public final Thread thread;
  private String name;

  /** The future this task is parked on, or {@code null}. */
  private LoopFuture<?> waitingOn;

  private boolean mustCancel;
  private String cancelMessage;
  private int cancelRequests;

  public LoopTask(Loop loop, Callable<T> body, String name) {
    super(loop);
    this.body = body;
    this.name = name != null ? name : "Task-" + COUNTER.incrementAndGet();
    this.carrier = new TaskCarrier(loop, this);
    this.thread = VirtualThreads.newThread(carrier, this.name, this::runBody);
  }

  /** The task whose body is running on the current thread, or {@code null}. */
  public static LoopTask<?> current() {
    if (!CURRENT.isBound()) {
      return null;
    }
    LoopTask<?> task = CURRENT.get();
    return task.thread == Thread.currentThread() ? task : null; // not an inheriting subtask
  }

  public void start() {
    thread.start(); // the scheduler queues the first step on the loop
  }

  private void runBody() {
    ScopedValue.where(CURRENT, this).where(Loop.RUNNING, loop).run(this::step);
  }

  private void step() {
    if (mustCancel) {
      mustCancel = false;
      finishCancelled(cancelMessage);
      return;
    }
    T value;
    try {
      value = body.call();
    } catch (CancellationException e) {
      finishCancelled(e.getMessage());
      return;
    } catch (CompletionException e) {
      // join()'s wrapper of another future's failure: the task fails with the failure itself, so
      // an exception goes through a chain of tasks unchanged, as through asyncio's await.
      tryFail(e.getCause() != null ? e.getCause() : e);
      return;
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vme) {
        tryFail(t);
        throw vme;
      }
      tryFail(t);
      return;
    }
    if (mustCancel) {
      // The task cancelled itself (or was cancelled) and returned before reaching a join():
      // asyncio's __step cancels it rather than keeping the result.
      mustCancel = false;
      finishCancelled(cancelMessage);
      return;
    }
    tryComplete(value);
  }

  private void finishCancelled(String message) {
    super.cancel(message);
  }

  /** Parks this task until the future is done; the body of {@code future.join()} in a task. */
  <R> R await(LoopFuture<R> future) {
    if (parkOn(future, false, 0) == LoopFuture.WAIT_INTERRUPTED) {
      // As join on any other thread: the interrupt stays set and the future is left alone. A
      // wait that ignored it would spin, since park returns at once while the flag is set.
      Thread.currentThread().interrupt();
      throw new CancellationException("join() was interrupted");
    }
    return future.report();
  }

  /**
   * The wait of {@code future.get(...)} in a task: as {@link #await} (which also ends when the
   * task's thread is interrupted), and also ends when the timeout passes ({@code timed}).
   *
   * @return {@link LoopFuture#WAIT_DONE}, {@link LoopFuture#WAIT_TIMED_OUT} or {@link
   *     LoopFuture#WAIT_INTERRUPTED}
   */
  int awaitForGet(LoopFuture<?> future, boolean timed, long timeoutNanos) {
    return parkOn(future, timed, timeoutNanos);
  }

  private int parkOn(LoopFuture<?> future, boolean timed, long timeoutNanos) {
    if (future == this) {
      throw new IllegalStateException(describe() + " cannot await on itself");
    }
    if (mustCancel) {
      mustCancel = false;
      throw new CancellationException(cancelMessage);
    }
    int outcome = LoopFuture.WAIT_DONE;
    if (!future.isDone()) {
      if (timed && timeoutNanos <= 0) {
        return LoopFuture.WAIT_TIMED_OUT;
      }
      LoopFuture.Waker waker = new LoopFuture.Waker(thread);
      future.addWaker(waker);
      waitingOn = future;
      Alarm alarm = timed ? new Alarm(thread) : null;
      TimerHandle timer = timed ? loop.callLater(Duration.ofNanos(timeoutNanos), alarm) : null;
      try {
        while (!future.isDone() && !mustCancel) {
          if (alarm != null && alarm.rang) {
            outcome = LoopFuture.WAIT_TIMED_OUT;
            break;
          }
          if (Thread.interrupted()) {
            outcome = LoopFuture.WAIT_INTERRUPTED;
            break;
          }
          LockSupport.park(this);
        }
      } finally {
        waitingOn = null;
        if (timer != null) {
          timer.cancel();
        }
      }
      if (!future.isDone()) {
        future.removeWaker(waker);
      }
    }
    if (mustCancel) {
      mustCancel = false;
      if (!future.isCancelled()) {
        throw new CancellationException(cancelMessage);
      }
      // The waited future was cancelled first (by our first cancel, usually): its message is the
      // one the task sees, as in asyncio, where later cancel() calls do not replace it.
    }
    return future.isDone() ? LoopFuture.WAIT_DONE : outcome;
  }

  /** Wakes a task whose timed wait ran out; runs on the loop thread, read by the task's. */
  private static final class Alarm implements Runnable {
    private final Thread waiter;
    volatile boolean rang;

    Alarm(Thread waiter) {
      this.waiter = waiter;
    }

    @Override
    public void run() {
      rang = true;
      LockSupport.unpark(waiter);
    }
  }

  /** Lets every other ready callback run once before this task goes on. */
  void yieldOnce() {
    if (mustCancel) {
      mustCancel = false;
      throw new CancellationException(cancelMessage);
    }
    Thread.yield(); // the continuation is re-queued through TaskCarrier: one turn
    if (mustCancel) {
      mustCancel = false;
      throw new CancellationException(cancelMessage);
    }
  }

  @Override
  public boolean cancel(String message) {
    if (!loop.inLoopThread()) {
      loop.callSoonThreadSafe(() -> cancel(message));
      return true;
    }
    if (isDone()) {
      return false;
    }
    cancelRequests++;
    LoopFuture<?> waited = waitingOn;
    if (waited != null && waited.loop != loop) {
      // Another loop's future is that loop's business (it may have waiters there, and its
      // cancel would only queue on a loop that may not run): leave it, and wake this task.
      mustCancel = true;
      cancelMessage = message;
      LockSupport.unpark(thread);
      return true;
    }
    if (waited != null && waited.cancel(message)) {
      return true; // the waited future's completion wakes us with the cancellation
    }
    mustCancel = true;
    cancelMessage = message;
    if (waited != null) {
      LockSupport.unpark(thread);
    }
    return true;
  }

  /** Refused, as asyncio's {@code Task.set_result}: only the task's body completes it. */
  @Override
  public void setResult(T value) {
    throw new IllegalStateException(describe() + " does not support setResult: its body completes it");
  }

  /** Refused, as asyncio's {@code Task.set_exception}: only the task's body completes it. */
  @Override
  public void setException(Throwable exception) {
    throw new IllegalStateException(
        describe() + " does not support setException: its body completes it");
  }

  @Override
  public int cancelling() {
    return cancelRequests;
  }

  @Override
  public int uncancel() {
    if (cancelRequests > 0) {
      cancelRequests--;
      if (cancelRequests == 0) {
        mustCancel = false;
      }
    }
    return cancelRequests;
  }

  @Override
  public void onDone() {
    loop.taskDone(this);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void setName(String name) {
    this.name = java.util.Objects.requireNonNull(name, "name");
  }

  @Override
  String describe() {
    return "Task '" + name + "'";
  }
}
