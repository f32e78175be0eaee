package zloop.spi;

import java.util.List;
import zloop.BackendStatus;
import zloop.EventLoop;
import zloop.Task;

/**
 * What an engine provides to {@link zloop.EventLoops}. Found with {@link java.util.ServiceLoader};
 * users never call it directly.
 */
public interface EventLoopFactory {

  /**
   * Opens a loop on the named backend.
   *
   * @param backend a backend name, or {@code "auto"} for the host's fastest available one
   * @return the new loop
   * @throws IllegalArgumentException if the backend is unknown or unavailable; the message names
   *     the available backends and why each other one is not
   */
  EventLoop newEventLoop(String backend);

  /**
   * Every backend the engine knows of, available or not, in preference order.
   *
   * @return the backends' statuses
   */
  List<BackendStatus> backends();

  /**
   * The backend {@code "auto"} selects on this host.
   *
   * @return the backend's name
   */
  String autoBackend();

  /**
   * The loop running on the current thread (directly or through one of its tasks), or null.
   *
   * @return the loop, or {@code null}
   */
  EventLoop runningLoop();

  /**
   * The task whose body is running on the current thread, or null.
   *
   * @return the task, or {@code null}
   */
  Task<?> currentTask();

  /**
   * Routes SIGINT to {@code onInterrupt}, run on the loop's thread, while nothing else in zloop
   * handles it: how {@link zloop.Runner} turns Ctrl-C into cancelling its main task.
   *
   * @param loop the loop that runs the callback
   * @param onInterrupt what a SIGINT runs on that loop
   * @return the action that gives SIGINT back (a no-op if a loop's own handler replaced the
   *     callback meanwhile), or {@code null} when SIGINT is already handled or this JVM lets no
   *     Java code handle it ({@code -Xrs}); this default returns {@code null}
   */
  default Runnable claimInterrupt(EventLoop loop, Runnable onInterrupt) {
    return null;
  }
}
