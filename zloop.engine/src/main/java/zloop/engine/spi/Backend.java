package zloop.engine.spi;

import java.io.IOException;

/**
 * One loop's I/O backend: the part of the loop that talks to the kernel.
 *
 * <p>Thread rules: {@link #poll} and {@link #close} are called only on the loop thread; {@link
 * #wakeup} may be called from any thread. Objects the backend passes to the engine during {@link
 * #poll} are valid only during that call.
 *
 * <p>The engine tells the backend only how long it may block; the backend flushes any queued
 * submissions (a completion backend batches them into the wait), waits, and dispatches what
 * completed before returning.
 */
public interface Backend extends AutoCloseable {

  /**
   * Submits what is queued, waits for I/O, and dispatches the events that arrived.
   *
   * @param timeoutNanos how long to wait at most: {@code 0} means do not block, a negative value
   *     means wait until an event or a {@link #wakeup}
   * @return the number of events dispatched, wake-ups included
   * @throws IOException if the backend itself failed (not a single file descriptor's error)
   */
  int poll(long timeoutNanos) throws IOException;

  /**
   * Makes a {@link #poll} in progress return promptly, or the next one if none is in progress.
   * Any thread. The engine coalesces calls, so this is not on any hot path, but it must never
   * block.
   */
  void wakeup();

  /** Releases every kernel resource the backend holds. Loop thread; idempotent. */
  @Override
  void close();
}
