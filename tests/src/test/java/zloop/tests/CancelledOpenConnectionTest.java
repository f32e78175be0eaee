package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.tests.conformance.Turns;

/**
 * A cancelled {@code openConnection} must not leave its connection open. Found by the bounded
 * fetcher example: a worker cancelled while connecting left a connection nobody could close, and
 * the server's task for it waited for data forever.
 */
@Timeout(120)
class CancelledOpenConnectionTest {

  /**
   * The socket is connected first (so the server surely accepts), then handed to openConnection,
   * whose future is cancelled at once: the server must see the connection closed.
   */
  @BackendTest
  void aCancelledOpenConnectionClosesTheConnection(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> serverSaw = loop.createFuture();
      Server server =
          Turns.await(
              loop,
              loop.startServer(
                  (reader, writer) -> {
                    try {
                      byte[] rest = reader.read().join(); // to end of stream
                      serverSaw.setResult("end of stream after " + rest.length + " bytes");
                    } catch (RuntimeException reset) {
                      serverSaw.setResult("reset"); // an abort() may arrive as a reset
                    } finally {
                      writer.close();
                    }
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "server");
      int port = ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
      NetSocket socket = loop.openTcpSocket(StandardProtocolFamily.INET);
      Turns.await(loop, loop.sockConnect(socket, new InetSocketAddress("127.0.0.1", port)), "connect");
      Future<StreamPair> pair = loop.openConnection(socket, StreamOptions.DEFAULT);
      assertTrue(pair.cancel());
      String saw = Turns.await(loop, serverSaw, "the server sees the cancelled connection closed");
      assertTrue(saw.equals("reset") || saw.equals("end of stream after 0 bytes"), saw);
      server.close();
      Turns.await(loop, server.waitClosed(), "server closed");
    }
  }
}
