package zloop.sync;

import java.io.Serial;

/** {@link Queue#putNowait} on a full queue: asyncio's {@code QueueFull}. */
public final class QueueFullException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception saying the queue is full. */
  public QueueFullException() {
    super("Queue is full");
  }
}
