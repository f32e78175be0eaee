package zloop.examples.http;

import java.nio.ByteBuffer;

/**
 * A request body gathered across reads, never more than {@link HttpLimits#maxBodyBytes()}.
 * Reused for every request of a connection; an array grown for a large body is dropped afterwards,
 * so an idle keep-alive connection holds only a small one.
 */
final class BodyBuffer {
  private static final int KEPT_CAPACITY = 16 * 1024;

  private final int max;
  private byte[] bytes = new byte[0];
  private int length;

  BodyBuffer(int max) {
    this.max = max;
  }

  int length() {
    return length;
  }

  /**
   * Appends {@code n} bytes from {@code src}.
   *
   * @throws HttpError 413 if the body would exceed the bound
   */
  void append(ByteBuffer src, int n) throws HttpError {
    if ((long) length + n > max) {
      throw new HttpError(413, "body larger than the " + max + " byte limit");
    }
    if (length + n > bytes.length) {
      byte[] bigger = new byte[Math.min(max, Math.max(Math.max(bytes.length * 2, 1024), length + n))];
      System.arraycopy(bytes, 0, bigger, 0, length);
      bytes = bigger;
    }
    src.get(bytes, length, n);
    length += n;
  }

  /** The body so far, read-only; valid until {@link #clear()}. */
  ByteBuffer view() {
    return ByteBuffer.wrap(bytes, 0, length).asReadOnlyBuffer();
  }

  void clear() {
    length = 0;
    if (bytes.length > KEPT_CAPACITY) {
      bytes = new byte[0];
    }
  }
}
