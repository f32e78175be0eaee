package zloop;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;
import zloop.spi.EventLoopFactory;

/**
 * One loop for several runs: asyncio's {@code Runner}. {@link EventLoops#run} is a runner used
 * once.
 *
 * <pre>{@code
 * try (Runner runner = EventLoops.runner()) {
 *   runner.run(() -> setUp());
 *   runner.run(() -> serve());
 * }
 * }</pre>
 *
 * <p>The loop is made on first use ({@link #loop()} or {@link #run}). Each {@link #run} runs its
 * body as the main task until it is done and returns its result or throws its failure; tasks it
 * leaves behind stay on the loop and may run during later runs. {@link #close()} cancels the tasks
 * still pending and lets them finish, reports those that fail while cancelled to the loop's
 * exception handler ("unhandled exception during Runner.close()"), shuts the default executor
 * down, and closes the loop. After close the runner refuses to run.
 *
 * <h2>Ctrl-C</h2>
 *
 * While {@link #run} runs, SIGINT cancels the main task, as asyncio's runner does: the task sees a
 * {@link CancellationException} where it waits and unwinds (its {@code finally} blocks run), and
 * {@code run} then throws {@link KeyboardInterruptException}. A main task that suppresses that
 * cancellation keeps running; a second SIGINT then stops the loop and {@code run} throws {@link
 * KeyboardInterruptException} at once (the task is cancelled again by {@link #close()}). A task
 * cancelled for another reason before the SIGINT ends with its own {@link CancellationException}.
 * After {@code run} returns, SIGINT goes back to the JVM's handler (shutdown hooks, exit status
 * 130): a Ctrl-C while {@link #close()} waits for a task that suppresses its cancellation ends the
 * process that way.
 *
 * <p>The runner takes SIGINT only when nothing in zloop handles it: if a loop has its own SIGINT
 * handler ({@link EventLoop#addSignalHandler}) or another runner is running, on this thread or
 * another, this run leaves SIGINT alone (asyncio's runner likewise only takes it in the main thread
 * and when no other handler is set). Under {@code -Xrs} the JVM lets no Java code handle SIGINT:
 * Ctrl-C then kills the process at once. A SIGINT handler the main task adds on the runner's loop
 * replaces the runner's for the rest of the run.
 *
 * <p>A runner belongs to the thread that uses it: it is not thread-safe.
 */
public final class Runner implements AutoCloseable {
  private final Supplier<? extends EventLoop> loopFactory;
  private EventLoop loop;
  private boolean closed;
  private int interrupts;
  private boolean stoppedByInterrupt;

  Runner(Supplier<? extends EventLoop> loopFactory) {
    this.loopFactory = Objects.requireNonNull(loopFactory, "loopFactory");
  }

  /**
   * The runner's loop, made now if it was not yet: asyncio's {@code Runner.get_loop()}.
   *
   * @return the loop every run of this runner uses
   * @throws IllegalStateException if the runner is closed ("Runner is closed")
   */
  public EventLoop loop() {
    if (closed) {
      throw new IllegalStateException("Runner is closed");
    }
    if (loop == null) {
      loop = Objects.requireNonNull(loopFactory.get(), "the loop factory returned null");
    }
    return loop;
  }

  /**
   * Runs {@code main} as a task named "main" on the runner's loop until it is done.
   *
   * @param <T> the result type
   * @param main the body of the main task
   * @return the main task's result
   * @throws KeyboardInterruptException if SIGINT ended the run (see "Ctrl-C" above)
   * @throws CancellationException if the main task was cancelled otherwise
   * @throws IllegalStateException if the runner is closed, or a loop is running on this thread
   *     ("Runner.run() cannot be called from a running event loop")
   */
  public <T> T run(Callable<T> main) {
    Objects.requireNonNull(main, "main");
    if (factory().runningLoop() != null) {
      throw new IllegalStateException("Runner.run() cannot be called from a running event loop");
    }
    EventLoop l = loop();
    Task<T> task = l.createTask(main, "main");
    interrupts = 0;
    stoppedByInterrupt = false;
    Runnable giveBack = factory().claimInterrupt(l, () -> onInterrupt(task));
    try {
      return l.runUntilComplete(task);
    } catch (CancellationException e) {
      if (interrupts > 0 && task.uncancel() == 0) {
        throw new KeyboardInterruptException(e);
      }
      throw e;
    } catch (IllegalStateException e) {
      if (stoppedByInterrupt) {
        throw new KeyboardInterruptException(null);
      }
      throw e;
    } finally {
      if (giveBack != null) {
        giveBack.run();
      }
    }
  }

  /** SIGINT, on the loop thread: the first cancels the main task, the next one stops the run. */
  private void onInterrupt(Task<?> main) {
    interrupts++;
    if (interrupts == 1 && !main.isDone()) {
      main.cancel();
      return;
    }
    stoppedByInterrupt = true;
    loop.stop();
  }

  /**
   * Cancels the tasks still pending and waits for them, shuts the default executor down and closes
   * the loop. Idempotent; a runner never used only becomes closed.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    EventLoop l = loop;
    if (l == null) {
      return;
    }
    try {
      cancelLeftoverTasks(l);
      l.runUntilComplete(l.shutdownDefaultExecutor());
    } finally {
      l.close();
    }
  }


  private static void cancelLeftoverTasks(EventLoop loop) {
    List<Task<?>> leftover = new ArrayList<>(loop.allTasks());
    if (leftover.isEmpty()) {
      return;
    }
    for (Task<?> task : leftover) {
      task.cancel();
    }
    loop.runUntilComplete(loop.gather(settledAll(loop, leftover)));
    for (Task<?> task : leftover) {
      if (!task.isCancelled() && task.exception() != null) {
        loop.callExceptionHandler(
            new ExceptionContext(
                "unhandled exception during Runner.close()", task.exception(), null, task, null, null));
      }
    }
  }

  /** Futures that complete when each task is done, whatever its outcome. */
  private static List<Future<Void>> settledAll(EventLoop loop, List<Task<?>> tasks) {
    List<Future<Void>> settled = new ArrayList<>(tasks.size());
    for (Task<?> task : tasks) {
      Future<Void> done = loop.createFuture();
      task.addDoneCallback(t -> done.setResult(null));
      settled.add(done);
    }
    return settled;
  }

  private static EventLoopFactory factory() {
    return EventLoops.engine();
  }
}
