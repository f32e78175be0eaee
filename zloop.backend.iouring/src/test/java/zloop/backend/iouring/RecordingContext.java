package zloop.backend.iouring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import zloop.EventLoop;
import zloop.engine.spi.LoopContext;

/** A loop context without a loop that keeps what the backend reports. */
final class RecordingContext implements LoopContext {

  final List<String> errors = new CopyOnWriteArrayList<>();

  /** What {@link #hasReadyWork()} answers: set it as the engine would schedule a callback. */
  volatile boolean readyWork;

  @Override
  public EventLoop loop() {
    return null;
  }

  @Override
  public void reportError(String message, Throwable exception) {
    errors.add(message + ": " + exception);
  }

  @Override
  public boolean hasReadyWork() {
    return readyWork;
  }
}
