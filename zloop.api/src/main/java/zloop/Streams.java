package zloop;

/**
 * asyncio's stream functions: {@code open_connection}, {@code start_server} and their Unix
 * variants, as thin calls into the loop. Each comes with and without {@link StreamOptions}.
 */
public final class Streams {
  private Streams() {}

  /**
   * Connects to {@code host:port} and completes with the stream pair.
   *
   * @param loop the loop to run on
   * @param host the host to connect to
   * @param port the port to connect to
   * @param options the reader's limit and the connection's options ({@link StreamOptions#connect()})
   * @return a future of the reader and writer
   */
  public static Future<StreamPair> openConnection(
      EventLoop loop, String host, int port, StreamOptions options) {
    return loop.openConnection(host, port, options);
  }

  /**
   * {@link #openConnection(EventLoop, String, int, StreamOptions)} with {@link
   * StreamOptions#DEFAULT}.
   *
   * @param loop the loop to run on
   * @param host the host to connect to
   * @param port the port to connect to
   * @return a future of the reader and writer
   */
  public static Future<StreamPair> openConnection(EventLoop loop, String host, int port) {
    return loop.openConnection(host, port);
  }

  /**
   * Starts a server that runs {@code clientConnected} as a task per connection.
   *
   * @param loop the loop to run on
   * @param clientConnected runs as a task per client
   * @param host the host to listen on ({@code null} or {@code ""}: all interfaces)
   * @param port the port (0: a free one)
   * @param options the readers' limit and the server's options ({@link StreamOptions#server()})
   * @return a future of the server, listening
   */
  public static Future<Server> startServer(
      EventLoop loop, ClientConnected clientConnected, String host, int port, StreamOptions options) {
    return loop.startServer(clientConnected, host, port, options);
  }

  /**
   * {@link #startServer(EventLoop, ClientConnected, String, int, StreamOptions)} with {@link
   * StreamOptions#DEFAULT}.
   *
   * @param loop the loop to run on
   * @param clientConnected runs as a task per client
   * @param host the host to listen on ({@code null} or {@code ""}: all interfaces)
   * @param port the port (0: a free one)
   * @return a future of the server, listening
   */
  public static Future<Server> startServer(
      EventLoop loop, ClientConnected clientConnected, String host, int port) {
    return loop.startServer(clientConnected, host, port);
  }

  /**
   * {@link #openConnection(EventLoop, String, int, StreamOptions)} over a Unix-domain socket.
   *
   * @param loop the loop to run on
   * @param address the server's address
   * @param options the reader's limit and the connection's options
   * @return a future of the reader and writer
   */
  public static Future<StreamPair> openUnixConnection(
      EventLoop loop, UnixAddress address, StreamOptions options) {
    return loop.openUnixConnection(address, options);
  }

  /**
   * {@link #openUnixConnection(EventLoop, UnixAddress, StreamOptions)} with {@link
   * StreamOptions#DEFAULT}.
   *
   * @param loop the loop to run on
   * @param address the server's address
   * @return a future of the reader and writer
   */
  public static Future<StreamPair> openUnixConnection(EventLoop loop, UnixAddress address) {
    return loop.openUnixConnection(address);
  }

  /**
   * {@link #startServer(EventLoop, ClientConnected, String, int, StreamOptions)} on a Unix-domain
   * socket.
   *
   * @param loop the loop to run on
   * @param clientConnected runs as a task per client
   * @param address where to listen
   * @param options the readers' limit and the server's options
   * @return a future of the server, listening
   */
  public static Future<Server> startUnixServer(
      EventLoop loop, ClientConnected clientConnected, UnixAddress address, StreamOptions options) {
    return loop.startUnixServer(clientConnected, address, options);
  }

  /**
   * {@link #startUnixServer(EventLoop, ClientConnected, UnixAddress, StreamOptions)} with {@link
   * StreamOptions#DEFAULT}.
   *
   * @param loop the loop to run on
   * @param clientConnected runs as a task per client
   * @param address where to listen
   * @return a future of the server, listening
   */
  public static Future<Server> startUnixServer(
      EventLoop loop, ClientConnected clientConnected, UnixAddress address) {
    return loop.startUnixServer(clientConnected, address);
  }
}
