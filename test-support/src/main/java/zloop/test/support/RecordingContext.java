package zloop.test.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import zloop.EventLoop;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.LoopContext;

/**
 * A loop context without a loop that keeps what the backend reports. Its {@link #dispatch} stands
 * in for the engine's guard: a throwing handler is recorded as an error, as the loop would report
 * it.
 */
public final class RecordingContext implements LoopContext {

  /** What the backend reported, and what a handler threw, as text. */
  public final List<String> errors = new CopyOnWriteArrayList<>();

  /** What {@link #hasReadyWork()} answers: set it as the engine would schedule a callback. */
  public volatile boolean readyWork;

  @Override
  public EventLoop loop() {
    return null;
  }

  @Override
  public void reportError(String message, Throwable exception) {
    errors.add(message + ": " + exception);
  }

  @Override
  public <T> int dispatch(IoCallback<T> callback, T target, int a, int b, int c) {
    try {
      return callback.run(target, a, b, c);
    } catch (RuntimeException e) {
      errors.add("dispatch to " + target + ": " + e);
      return 1;
    }
  }

  @Override
  public boolean hasReadyWork() {
    return readyWork;
  }
}
