package zloop.sync;

/**
 * A hold on an {@link Acquirable}, released by {@link #close()}: the try-with-resources shape of
 * asyncio's {@code async with lock:}.
 */
public interface Held extends AutoCloseable {

  /**
   * Releases what {@link Acquirable#hold()} acquired. Only the first call releases; later calls do
   * nothing.
   */
  @Override
  void close();
}
