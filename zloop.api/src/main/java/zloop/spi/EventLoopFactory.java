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
}
