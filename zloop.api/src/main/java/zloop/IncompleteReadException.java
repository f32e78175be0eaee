package zloop;

import java.io.EOFException;
import java.io.Serial;

/**
 * The stream ended before a read was satisfied: asyncio's {@code IncompleteReadError}. Carries the
 * bytes that did arrive.
 */
public class IncompleteReadException extends EOFException {
  @Serial private static final long serialVersionUID = 1L;

  private final byte[] partial;
  private final int expected;

  /**
   * @param partial the bytes read before the end of the stream
   * @param expected how many were wanted, or -1 when reading up to a separator
   */
  public IncompleteReadException(byte[] partial, int expected) {
    super(
        partial.length
            + " bytes read on a total of "
            + (expected < 0 ? "undefined" : String.valueOf(expected))
            + " expected bytes");
    this.partial = partial.clone();
    this.expected = expected;
  }

  /** The bytes that arrived before the end of the stream. */
  public byte[] partial() {
    return partial.clone();
  }

  /** How many bytes were wanted, or -1 for a read up to a separator. */
  public int expected() {
    return expected;
  }
}
