package zloop;

/**
 * A transport's write-buffer watermarks, in bytes: above {@code high} the protocol is paused,
 * at or below {@code low} it is resumed.
 *
 * @param high the high watermark in bytes
 * @param low the low watermark in bytes
 */
public record WriteBufferLimits(long high, long low) {
  /** asyncio's defaults: 64 KiB and a quarter of it. */
  public static final WriteBufferLimits DEFAULT = new WriteBufferLimits(64 * 1024, 16 * 1024);

  /**
   * Checks the watermarks.
   *
   * @param high the high watermark in bytes
   * @param low the low watermark in bytes
   * @throws IllegalArgumentException unless {@code high >= low >= 0}
   */
  public WriteBufferLimits {
    if (low < 0 || high < low) {
      throw new IllegalArgumentException(
          "high (" + high + ") must be >= low (" + low + ") must be >= 0");
    }
  }

  /**
   * Both watermarks given: the same as the constructor.
   *
   * @param high the high watermark in bytes
   * @param low the low watermark in bytes
   * @return the limits
   * @throws IllegalArgumentException unless {@code high >= low >= 0}
   */
  public static WriteBufferLimits of(long high, long low) {
    return new WriteBufferLimits(high, low);
  }

  /**
   * asyncio's {@code set_write_buffer_limits(high=h)}: the low watermark is a quarter of it.
   *
   * @param high the high watermark in bytes
   * @return the limits
   * @throws IllegalArgumentException if {@code high} is negative
   */
  public static WriteBufferLimits ofHigh(long high) {
    return new WriteBufferLimits(high, high / 4);
  }

  /**
   * asyncio's {@code set_write_buffer_limits(low=l)}: the high watermark is four times it.
   *
   * @param low the low watermark in bytes
   * @return the limits
   * @throws IllegalArgumentException if {@code low} is negative
   */
  public static WriteBufferLimits ofLow(long low) {
    return new WriteBufferLimits(4 * low, low);
  }
}
