package zloop;

/**
 * A transport's write-buffer watermarks, in bytes: above {@code high} the protocol is paused,
 * at or below {@code low} it is resumed.
 */
public record WriteBufferLimits(long high, long low) {
  /** asyncio's defaults: 64 KiB and a quarter of it. */
  public static final WriteBufferLimits DEFAULT = new WriteBufferLimits(64 * 1024, 16 * 1024);

  public WriteBufferLimits {
    if (low < 0 || high < low) {
      throw new IllegalArgumentException(
          "high (" + high + ") must be >= low (" + low + ") must be >= 0");
    }
  }

  /**
   * asyncio's rule for partial settings: a missing low is high/4, a missing high is 4×low.
   *
   * @param high the high watermark, or {@code null}
   * @param low the low watermark, or {@code null}
   */
  public static WriteBufferLimits of(Long high, Long low) {
    if (high == null && low == null) {
      return DEFAULT;
    }
    long h = high != null ? high : 4 * low;
    long l = low != null ? low : h / 4;
    return new WriteBufferLimits(h, l);
  }
}
