package zloop;

import java.io.IOException;
import java.io.Serial;

/**
 * A separator was not found within the stream's buffer limit: asyncio's {@code
 * LimitOverrunError}. The buffered bytes stay in the reader (see {@link StreamReader#readUntil}).
 */
public class LimitOverrunException extends IOException {
  @Serial private static final long serialVersionUID = 1L;

  /** How many bytes can be consumed. */
  private final int consumed;

  /**
   * The exception.
   *
   * @param message what was wrong
   * @param consumed how many bytes can be consumed (see {@link #consumed()})
   */
  public LimitOverrunException(String message, int consumed) {
    super(message);
    this.consumed = consumed;
  }

  /**
   * How many bytes can be consumed: up to the separator if it was found, else the limit.
   *
   * @return the count
   */
  public int consumed() {
    return consumed;
  }
}
