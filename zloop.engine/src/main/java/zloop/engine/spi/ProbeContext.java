package zloop.engine.spi;

import zloop.EventLoop;

/**
 * The context of a backend opened only to learn whether it can run here ({@link
 * BackendProvider#status}): it serves no loop and dispatches nothing, so it has nothing to report.
 */
public final class ProbeContext implements LoopContext {

  /** The one instance; stateless. */
  public static final LoopContext INSTANCE = new ProbeContext();

  private ProbeContext() {}

  @Override
  public EventLoop loop() {
    return null;
  }

  @Override
  public void reportError(String message, Throwable exception) {}
}
