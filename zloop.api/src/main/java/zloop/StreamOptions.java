package zloop;

/**
 * Options of stream connections.
 *
 * @param limit the reader's buffer limit in bytes (asyncio's default: 64 KiB)
 * @param tls speak TLS with these options, or {@code null} for plain streams (default); servers
 *     ({@link Streams#startServer}) serve TLS, clients ({@link Streams#openConnection}) connect
 *     with it
 */
public record StreamOptions(int limit, TlsOptions tls) {
  public static final StreamOptions DEFAULT = new StreamOptions(64 * 1024, null);

  public StreamOptions {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  /** Plain (no TLS) options with a limit. */
  public StreamOptions(int limit) {
    this(limit, null);
  }

  public StreamOptions withLimit(int value) {
    return new StreamOptions(value, tls);
  }

  public StreamOptions withTls(TlsOptions value) {
    return new StreamOptions(limit, value);
  }
}
