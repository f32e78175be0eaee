package zloop.sync;

import java.io.Serial;
import java.util.NoSuchElementException;

/** {@link Queue#getNowait} on an empty queue: asyncio's {@code QueueEmpty}. */
public final class QueueEmptyException extends NoSuchElementException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception saying the queue is empty. */
  public QueueEmptyException() {
    super("Queue is empty");
  }
}
