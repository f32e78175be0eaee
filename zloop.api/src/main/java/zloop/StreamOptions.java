package zloop;

import java.util.Objects;

/**
 * Options of stream connections ({@link Streams}): the reader's limit, and the options of the
 * server or the connection underneath, so a stream server has everything {@link
 * EventLoop#createServer} has (backlog, reuse-port, TLS...) and a stream client everything {@link
 * EventLoop#createConnection} has (local address, happy eyeballs, TLS...). Immutable; start from
 * {@link #DEFAULT} and change what differs with the {@code withX} copies:
 *
 * <pre>{@code
 * StreamOptions.DEFAULT.withLimit(1 << 20).withServer(ServerOptions.DEFAULT.withBacklog(1024))
 * }</pre>
 *
 * <p>A server uses {@link #server()} and ignores {@link #connect()}; a client the other way round.
 */
public final class StreamOptions {

  /** asyncio's reader limit (64 KiB), and the default server and connection options. */
  public static final StreamOptions DEFAULT =
      new StreamOptions(64 * 1024, ServerOptions.DEFAULT, ConnectOptions.DEFAULT);

  private final int limit;
  private final ServerOptions server;
  private final ConnectOptions connect;

  private StreamOptions(int limit, ServerOptions server, ConnectOptions connect) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.limit = limit;
    this.server = Objects.requireNonNull(server, "server");
    this.connect = Objects.requireNonNull(connect, "connect");
  }

  /**
   * The reader's buffer limit in bytes (asyncio's default: 64 KiB).
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }

  /**
   * How a stream server listens ({@link Streams#startServer}).
   *
   * @return the server options
   */
  public ServerOptions server() {
    return server;
  }

  /**
   * How a stream client connects ({@link Streams#openConnection}).
   *
   * @return the connection options
   */
  public ConnectOptions connect() {
    return connect;
  }

  /**
   * A copy with another reader limit.
   *
   * @param value the limit in bytes, positive
   * @return the copy
   * @throws IllegalArgumentException if {@code value} is not positive
   */
  public StreamOptions withLimit(int value) {
    return new StreamOptions(value, server, connect);
  }

  /**
   * A copy whose servers listen with these options.
   *
   * @param value the server options
   * @return the copy
   */
  public StreamOptions withServer(ServerOptions value) {
    return new StreamOptions(limit, value, connect);
  }

  /**
   * A copy whose clients connect with these options.
   *
   * @param value the connection options
   * @return the copy
   */
  public StreamOptions withConnect(ConnectOptions value) {
    return new StreamOptions(limit, server, value);
  }

  /**
   * A copy that speaks TLS on both sides: servers serve it and clients connect with it (the TLS
   * options of {@link #server()} and {@link #connect()} both become {@code value}).
   *
   * @param value the TLS options, or {@code null} for plain streams
   * @return the copy
   */
  public StreamOptions withTls(TlsOptions value) {
    return new StreamOptions(limit, server.withTls(value), connect.withTls(value));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamOptions s
        && limit == s.limit
        && server.equals(s.server)
        && connect.equals(s.connect);
  }

  @Override
  public int hashCode() {
    return Objects.hash(limit, server, connect);
  }

  @Override
  public String toString() {
    return "StreamOptions[limit=" + limit + ", server=" + server + ", connect=" + connect + "]";
  }
}
