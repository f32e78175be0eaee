package zloop.examples.http;

import java.nio.ByteBuffer;

/**
 * Gathers CRLF-terminated lines across reads, within a byte budget: the head parser's and the
 * chunked decoder's line layer. A line may arrive split over any number of reads; bytes over the
 * budget fail at once, so a peer that never ends its line costs at most the budget.
 */
final class LineReader {
  private byte[] line = new byte[256];
  private int length;
  private int consumed;

  /** Starts a new budget (a new head, a new trailer section). */
  void reset() {
    length = 0;
    consumed = 0;
  }

  /** Bytes taken since {@link #reset()}, line ends included. */
  int consumed() {
    return consumed;
  }

  /** Whether any byte was taken since {@link #reset()}. */
  boolean started() {
    return consumed > 0;
  }

  /** The current line's bytes (valid up to the length {@link #read} returned). */
  byte[] bytes() {
    return line;
  }

  /**
   * Takes bytes up to and including the next LF.
   *
   * @param data the input; its position moves past what was taken
   * @param budget the most bytes since {@link #reset()}
   * @param overBudget the status when the budget is exceeded (431 for heads and trailers, 400 for
   *     chunk-size lines)
   * @param what what the lines are, for the error message
   * @return the line's length without its CRLF, or -1 if the input ran out first
   * @throws HttpError over budget, or a line ended by a bare LF
   */
  int read(ByteBuffer data, int budget, int overBudget, String what) throws HttpError {
    int pos = data.position();
    int limit = data.limit();
    int lf = HttpSyntax.indexOfLf(data, pos, limit);
    int end = lf < 0 ? limit : lf + 1;
    int n = end - pos;
    if (consumed + n > budget) {
      throw new HttpError(overBudget, what + " larger than " + budget + " bytes");
    }
    if (length + n > line.length) {
      byte[] bigger = new byte[Math.min(Math.max(line.length * 2, length + n), Math.max(budget, length + n))];
      System.arraycopy(line, 0, bigger, 0, length);
      line = bigger;
    }
    data.get(pos, line, length, n);
    data.position(end);
    length += n;
    consumed += n;
    if (lf < 0) {
      return -1;
    }
    int len = length - 1;
    length = 0;
    if (len == 0 || line[len - 1] != '\r') {
      throw HttpError.badRequest(what + ": line ended by a bare LF (CRLF required)");
    }
    return len - 1;
  }
}
