package zloop.bench.echo;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.Supplier;
import zloop.BackendStatus;
import zloop.BaseProtocol;
import zloop.BufferedProtocol;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Protocol;
import zloop.Server;
import zloop.ServerOptions;
import zloop.StreamOptions;
import zloop.StreamReader;
import zloop.StreamWriter;
import zloop.Streams;
import zloop.Transport;

/**
 * The zloop echo server of the matrix, one loop thread. It mirrors {@code
 * examples/.../EchoServer}:
 *
 * <pre>
 * java ... zloop.bench.echo.ZloopEchoServer --backend epoll|io_uring|nio --mode proto|buffered|streams --port 25001
 * java ... zloop.bench.echo.ZloopEchoServer --list-backends     # prints the available backends, one a line
 * </pre>
 *
 * {@code proto} writes from {@code dataReceived} (the loop's read buffer), {@code buffered} lets the
 * kernel read into the protocol's own buffer, {@code streams} runs a task per connection that reads
 * 64 KiB, writes and drains. Prints {@code ready} once it listens.
 */
public final class ZloopEchoServer {
  private ZloopEchoServer() {}

  public static void main(String[] argv) {
    Args a = Args.parse(argv, "list-backends");
    if (a.has("list-backends")) {
      for (BackendStatus s : EventLoops.backends()) {
        System.out.println(s.available() ? s.name() : "# " + s.name() + ": " + s.reason());
      }
      return;
    }
    String backend = a.get("backend", System.getProperty(EventLoops.BACKEND_PROPERTY, "auto"));
    String mode = a.get("mode", "proto");
    String host = a.get("host", "127.0.0.1");
    int port = a.getInt("port", 25000);
    if (!mode.equals("proto") && !mode.equals("buffered") && !mode.equals("streams")) {
      throw new IllegalArgumentException("--mode is proto, buffered or streams, not " + mode);
    }
    try (EventLoop loop = EventLoops.newEventLoop(backend)) {
      Supplier<BaseProtocol> factory = mode.equals("buffered") ? BufferedEcho::new : Echo::new;
      Server server =
          loop.runUntilComplete(
              mode.equals("streams")
                  ? Streams.startServer(loop, ZloopEchoServer::serveStream, host, port, StreamOptions.DEFAULT)
                  : loop.createServer(factory, host, port, ServerOptions.DEFAULT));
      System.out.printf(
          Locale.ROOT,
          "ready: zloop %s %s on %s%n",
          loop.backendName(),
          mode,
          server.sockets().get(0).localAddress());
      System.out.flush();
      loop.runUntilComplete(server.serveForever());
    }
  }

  /** The streams mode: a task per connection that reads, writes and drains. */
  static void serveStream(StreamReader reader, StreamWriter writer) {
    while (true) {
      byte[] data = reader.read(64 * 1024).join();
      if (data.length == 0) {
        break;
      }
      writer.write(data);
      writer.drain().join();
    }
    writer.close();
  }

  /** Echoes from the loop's read buffer: {@code write} sends at once and copies only the rest. */
  static final class Echo implements Protocol {
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      transport.write(data);
    }
  }

  /** Echoes from its own buffer, which the kernel reads into. */
  static final class BufferedEcho implements BufferedProtocol {
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
      return buffer.clear();
    }

    @Override
    public void bufferUpdated(int nbytes) {
      transport.write(buffer.limit(buffer.position() + nbytes));
    }
  }
}
