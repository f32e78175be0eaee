package zloop;

import java.io.Serial;

/**
 * A future was used in a state that does not allow the operation: a result set twice, or read
 * before the future is done. asyncio's {@code InvalidStateError}.
 */
public class InvalidStateException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * The exception.
   *
   * @param message what was wrong
   */
  public InvalidStateException(String message) {
    super(message);
  }
}
