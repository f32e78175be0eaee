package zloop.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import zloop.BackendStatus;
import zloop.EventLoop;
import zloop.Task;
import zloop.engine.signal.SignalRegistry;
import zloop.engine.spi.BackendProvider;
import zloop.engine.task.LoopTask;
import zloop.spi.EventLoopFactory;

/** The engine's entry point for {@link zloop.EventLoops}. */
public final class ZloopEventLoopFactory implements EventLoopFactory {
  private static final class Registry {
    static final BackendRegistry INSTANCE = BackendRegistry.load();
  }

  /** Public for {@link java.util.ServiceLoader}. */
  public ZloopEventLoopFactory() {}

  @Override
  public EventLoop newEventLoop(String backend) {
    BackendProvider p = Registry.INSTANCE.select(backend);
    try {
      return new Loop(p.name(), p::open, Clock.SYSTEM);
    } catch (IOException e) {
      throw new UncheckedIOException("could not open the " + p.name() + " backend", e);
    }
  }

  @Override
  public List<BackendStatus> backends() {
    return Registry.INSTANCE.statuses();
  }

  @Override
  public String autoBackend() {
    return Registry.INSTANCE.auto().name();
  }

  @Override
  public EventLoop runningLoop() {
    return Loop.currentlyRunning();
  }

  @Override
  public Task<?> currentTask() {
    return LoopTask.current();
  }

  @Override
  public Runnable claimInterrupt(EventLoop loop, Runnable onInterrupt) {
    return SignalRegistry.claimInterrupt(loop, onInterrupt);
  }
}
