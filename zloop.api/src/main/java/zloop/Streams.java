package zloop;

/**
 * asyncio's stream functions: {@code open_connection}, {@code start_server} and their Unix
 * variants, as thin calls into the loop.
 */
public final class Streams {
  private Streams() {}

  /** Connects to {@code host:port} and completes with the stream pair. */
  public static Future<StreamPair> openConnection(
      EventLoop loop, String host, int port, StreamOptions options) {
    return loop.openConnection(host, port, options);
  }

  /** Starts a server that runs {@code clientConnected} as a task per connection. */
  public static Future<Server> startServer(
      EventLoop loop, ClientConnected clientConnected, String host, int port, StreamOptions options) {
    return loop.startServer(clientConnected, host, port, options);
  }

  /** {@link #openConnection} over a Unix-domain socket. */
  public static Future<StreamPair> openUnixConnection(
      EventLoop loop, UnixAddress address, StreamOptions options) {
    return loop.openUnixConnection(address, options);
  }

  /** {@link #startServer} on a Unix-domain socket. */
  public static Future<Server> startUnixServer(
      EventLoop loop, ClientConnected clientConnected, UnixAddress address, StreamOptions options) {
    return loop.startUnixServer(clientConnected, address, options);
  }
}
