package zloop;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import zloop.spi.EventLoopFactory;

/**
 * Entry points: new loops, {@code asyncio.run}, and the backends of this host.
 *
 * <p>The backend is chosen by the system property {@code zloop.backend} ({@code auto} by default:
 * the fastest available one on this host), or by name with {@link #newEventLoop(String)}.
 */
public final class EventLoops {

  /** The system property that selects the backend. */
  public static final String BACKEND_PROPERTY = "zloop.backend";

  private EventLoops() {}

  /**
   * A new loop on the backend named by {@code -Dzloop.backend} ({@code auto} if unset).
   *
   * @return the new loop
   */
  public static EventLoop newEventLoop() {
    return newEventLoop(System.getProperty(BACKEND_PROPERTY, "auto"));
  }

  /**
   * A new loop on the named backend.
   *
   * @param backend a backend name, or {@code "auto"}
   * @return the new loop
   * @throws IllegalArgumentException if the backend is unknown or unavailable, naming the
   *     available ones and why each other is not
   */
  public static EventLoop newEventLoop(String backend) {
    return factory().newEventLoop(backend);
  }

  /**
   * Every backend known here, available or not, with the reason for each unavailable one.
   *
   * @return the backends' statuses
   */
  public static List<BackendStatus> backends() {
    return factory().backends();
  }

  /**
   * The backend {@code auto} picks on this host.
   *
   * @return the backend's name
   */
  public static String autoBackend() {
    return factory().autoBackend();
  }

  /**
   * The loop running on this thread, or running the task this code is part of: asyncio's {@code
   * get_running_loop()}.
   *
   * @return the running loop
   * @throws IllegalStateException if no loop is running here
   */
  public static EventLoop runningLoop() {
    EventLoop loop = factory().runningLoop();
    if (loop == null) {
      throw new IllegalStateException("no running event loop");
    }
    return loop;
  }

  /**
   * The task this code runs in, if any: asyncio's {@code current_task()}.
   *
   * @return the task, or empty outside one
   */
  public static Optional<Task<?>> currentTask() {
    return Optional.ofNullable(factory().currentTask());
  }

  /**
   * {@code asyncio.run}: runs {@code main} as a task on a new loop and returns its result. Then,
   * whatever happened, cancels the tasks left over and lets them finish cancelling, shuts the
   * default executor down, and closes the loop.
   *
   * @param <T> the result type
   * @param main the program's main task
   * @return what {@code main} returned; a failure arrives as a {@link
   *     java.util.concurrent.CompletionException} whose cause is what {@code main} threw, as from
   *     {@link Future#join()}
   */
  public static <T> T run(Callable<T> main) {
    return run(main, false);
  }

  /**
   * {@link #run(Callable)} with debug mode set as given.
   *
   * @param <T> the result type
   * @param main the program's main task
   * @param debug whether the loop runs in debug mode
   * @return what {@code main} returned
   */
  public static <T> T run(Callable<T> main, boolean debug) {
    EventLoop loop = newEventLoop();
    try {
      loop.setDebug(debug);
      return loop.runUntilComplete(loop.createTask(main, "main"));
    } finally {
      try {
        cancelLeftoverTasks(loop);
        loop.runUntilComplete(loop.shutdownDefaultExecutor());
      } finally {
        loop.close();
      }
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
                "unhandled exception during EventLoops.run() shutdown",
                task.exception(),
                null,
                task,
                null,
                null));
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
    return FactoryHolder.FACTORY;
  }

  /** Loads the engine once, on first use. */
  private static final class FactoryHolder {
    static final EventLoopFactory FACTORY = load();

    private static EventLoopFactory load() {
      for (EventLoopFactory f : ServiceLoader.load(EventLoopFactory.class)) {
        return f;
      }
      throw new IllegalStateException(
          "no zloop engine found: add the zloop.engine module (and a backend module) to the"
              + " module path or class path");
    }
  }
}
