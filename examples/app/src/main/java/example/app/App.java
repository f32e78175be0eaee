package example.app;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamPair;

/**
 * A small zloop application: a line echo server and one client, both tasks on the loop. It prints
 * the backend it runs on ({@code -Dzloop.backend=...} picks one), whether it runs on the module
 * path or the class path, the echoed line, and the loop's statistics.
 */
public final class App {
  private App() {}

  public static void main(String[] args) {
    String reply;
    try {
      reply = EventLoops.run(App::echoOnce);
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
      System.err.println("app: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println("echoed: " + reply);
  }

  private static String echoOnce() throws Exception {
    EventLoop loop = EventLoops.runningLoop();
    String path = App.class.getModule().isNamed() ? "module path" : "class path";
    System.out.println("zloop backend: " + loop.backendName() + " (" + path + ")");
    Server server =
        loop.startServer(
                (reader, writer) -> {
                  writer.write(reader.readLine().join());
                  writer.drain().join();
                  writer.close();
                },
                "127.0.0.1",
                0,
                StreamOptions.DEFAULT)
            .join();
    int port = ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
    StreamPair client = loop.openConnection("127.0.0.1", port, StreamOptions.DEFAULT).join();
    client.writer().write("hello over zloop\n".getBytes(StandardCharsets.UTF_8));
    String line = new String(client.reader().readLine().join(), StandardCharsets.UTF_8).strip();
    client.writer().close();
    client.writer().waitClosed().join();
    server.close();
    server.waitClosed().join();
    System.out.println("loop stats: " + loop.stats());
    return line;
  }
}
