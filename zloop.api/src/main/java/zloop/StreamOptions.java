package zloop;

/**
 * Options of stream connections.
 *
 * @param limit the reader's buffer limit in bytes (asyncio's default: 64 KiB)
 */
public record StreamOptions(int limit) {
  public static final StreamOptions DEFAULT = new StreamOptions(64 * 1024);

  public StreamOptions {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  public StreamOptions withLimit(int value) {
    return new StreamOptions(value);
  }
}
