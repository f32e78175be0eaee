package zloop.engine.spi;

import java.io.IOException;
import zloop.BackendStatus;

/**
 * An I/O backend the engine can open loops on, found with {@link java.util.ServiceLoader}.
 * Implementations must be cheap to construct: the engine instantiates every provider to list
 * them, and asks {@link #status()} before {@link #open}.
 */
public interface BackendProvider {

  /** The name users select it by: {@code nio}, {@code epoll}, {@code io_uring}, {@code kqueue}. */
  String name();

  /**
   * Whether the backend can run on this host, with the reason when not (wrong OS, kernel too old,
   * syscall blocked, native access not granted). Probing may make syscalls; the engine calls it
   * at most once per provider and caches the answer.
   */
  BackendStatus status();

  /**
   * How strongly {@code auto} prefers this backend on this host: the available provider with the
   * highest rank wins. Negative: never picked by {@code auto}.
   */
  int autoRank();

  /** Opens a backend instance for one loop. Called only when {@link #status()} is available. */
  Backend open(LoopContext context) throws IOException;
}
