package zloop;

import java.io.IOException;
import java.io.Serial;

/**
 * A separator was not found within the stream's buffer limit: asyncio's {@code
 * LimitOverrunError}. The buffered bytes stay in the reader (see {@link StreamReader#readuntil}).
 */
public class LimitOverrunException extends IOException {
  @Serial private static final long serialVersionUID = 1L;

  private final int consumed;

  public LimitOverrunException(String message, int consumed) {
    super(message);
    this.consumed = consumed;
  }

  /** How many bytes can be consumed: up to the separator if it was found, else the limit. */
  public int consumed() {
    return consumed;
  }
}
