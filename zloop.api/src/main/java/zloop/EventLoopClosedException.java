package zloop;

import java.io.Serial;

/** New work was offered to a closed loop. The message is always "Event loop is closed". */
public class EventLoopClosedException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /** The exception, with asyncio's message. */
  public EventLoopClosedException() {
    super("Event loop is closed");
  }
}
