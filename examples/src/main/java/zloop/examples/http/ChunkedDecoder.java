package zloop.examples.http;

import java.nio.ByteBuffer;

/**
 * Decodes a chunked request body (RFC 9112 section 7.1) as it arrives, into a {@link BodyBuffer}:
 * chunk-size lines (hex, optional extensions, ignored), the data with its CRLF, the last chunk, and
 * the trailer section (checked for form and size, then dropped). Malformed framing is a 400; a
 * body over the limit a 413; a trailer section over {@link HttpLimits#maxHeadBytes()} a 431.
 */
final class ChunkedDecoder {
  /** A chunk-size line: 16 hex digits and a modest extension; longer is an attack or a bug. */
  private static final int MAX_SIZE_LINE = 1024;

  private enum State {
    SIZE,
    DATA,
    DATA_END,
    TRAILERS,
    DONE
  }

  private final HttpLimits limits;
  private final LineReader lines = new LineReader();
  private State state;
  private long chunkLeft;

  ChunkedDecoder(HttpLimits limits) {
    this.limits = limits;
    reset();
  }

  void reset() {
    state = State.SIZE;
    chunkLeft = 0;
    lines.reset();
  }

  /**
   * Takes body bytes from {@code data}, stopping right after the body's end.
   *
   * @return whether the body is complete
   * @throws HttpError malformed framing, or too large
   */
  boolean feed(ByteBuffer data, BodyBuffer body) throws HttpError {
    while (state != State.DONE && data.hasRemaining()) {
      switch (state) {
        case SIZE -> {
          int len = lines.read(data, MAX_SIZE_LINE, 400, "chunk-size line");
          if (len >= 0) {
            chunkLeft = parseSize(lines.bytes(), len);
            lines.reset();
            if (chunkLeft > limits.maxBodyBytes() - body.length()) {
              throw new HttpError(413, "chunked body larger than the " + limits.maxBodyBytes() + " byte limit");
            }
            state = chunkLeft == 0 ? State.TRAILERS : State.DATA;
          }
        }
        case DATA -> {
          int n = (int) Math.min(chunkLeft, data.remaining());
          body.append(data, n);
          chunkLeft -= n;
          if (chunkLeft == 0) {
            state = State.DATA_END;
          }
        }
        case DATA_END -> {
          int len = lines.read(data, 2, 400, "chunk data end");
          if (len > 0) {
            throw HttpError.badRequest("chunk data longer than its size");
          }
          if (len == 0) {
            lines.reset();
            state = State.SIZE;
          }
        }
        case TRAILERS -> {
          int len = lines.read(data, limits.maxHeadBytes(), 431, "chunked trailer section");
          if (len == 0) {
            state = State.DONE;
          } else if (len > 0) {
            checkTrailer(lines.bytes(), len);
          }
        }
        case DONE -> throw new AssertionError();
      }
    }
    return state == State.DONE;
  }

  /** The chunk size: 1 to 15 hex digits, then nothing or {@code ;extension} after optional spaces. */
  private static long parseSize(byte[] b, int len) throws HttpError {
    long size = 0;
    int i = 0;
    for (; i < len && HttpSyntax.hexValue(b[i]) >= 0; i++) {
      if (i == 15) {
        throw HttpError.badRequest("bad chunk size: too many digits");
      }
      size = size * 16 + HttpSyntax.hexValue(b[i]);
    }
    if (i == 0) {
      throw HttpError.badRequest("bad chunk size: not a hexadecimal number");
    }
    int j = i;
    while (j < len && HttpSyntax.isWhitespace(b[j])) {
      j++;
    }
    if (j < len && b[j] != ';') {
      throw HttpError.badRequest("bad chunk size: unexpected character after the size");
    }
    for (int k = j; k < len; k++) {
      if (!HttpSyntax.isFieldValue(b[k])) {
        throw HttpError.badRequest("bad chunk extension: invalid character");
      }
    }
    return size;
  }

  private static void checkTrailer(byte[] b, int len) throws HttpError {
    int colon = 0;
    while (colon < len && HttpSyntax.isToken(b[colon])) {
      colon++;
    }
    if (colon == 0 || colon == len || b[colon] != ':') {
      throw HttpError.badRequest("bad trailer field");
    }
    for (int i = colon + 1; i < len; i++) {
      if (!HttpSyntax.isFieldValue(b[i])) {
        throw HttpError.badRequest("bad trailer field: invalid character in value");
      }
    }
  }
}
