package zloop.sync;

import java.io.Serial;

/** A put on a {@link Queue} that was shut down, or a get from one that is also empty. */
public final class QueueShutDownException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception saying the queue was shut down. */
  public QueueShutDownException() {
    super("Queue is shut down");
  }
}
