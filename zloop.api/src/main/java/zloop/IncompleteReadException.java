package zloop;

import java.io.EOFException;
import java.io.Serial;

/**
 * The stream ended before a read was satisfied: asyncio's {@code IncompleteReadError}. Carries the
 * bytes that did arrive.
 */
public class IncompleteReadException extends EOFException {
  @Serial private static final long serialVersionUID = 1L;

  /** The bytes that arrived before the end of the stream. */
  private final byte[] partial;

  /** How many bytes were wanted, or -1 for a read up to a separator. */
  private final int expected;

  /**
   * The exception, with asyncio's message.
   *
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

  /**
   * The bytes that arrived before the end of the stream.
   *
   * @return a copy of the bytes
   */
  public byte[] partial() {
    return partial.clone();
  }

  /**
   * How many bytes were wanted, or -1 for a read up to a separator.
   *
   * @return the count, or -1
   */
  public int expected() {
    return expected;
  }
}
