package zloop.tests;

import java.net.InetSocketAddress;
import zloop.EventLoop;
import zloop.Server;
import zloop.StreamOptions;

/** A streams server on 127.0.0.1 that echoes one line per connection, then closes it. Run in a task. */
final class LineEchoServer {
  private LineEchoServer() {}

  /** Starts the server on an ephemeral port; {@link #port} tells which. */
  static Server start(EventLoop loop) {
    return loop.startServer(
            (reader, writer) -> {
              writer.write(reader.readLine().join());
              writer.close();
            },
            "127.0.0.1",
            0,
            StreamOptions.DEFAULT)
        .join();
  }

  static int port(Server server) {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }
}
