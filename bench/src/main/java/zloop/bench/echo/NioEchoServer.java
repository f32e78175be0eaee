package zloop.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Locale;

/**
 * A plain JDK NIO echo server: one thread, one {@link Selector}, one direct read buffer. It writes
 * back what it reads at once; what the socket does not take is kept per connection and sent on
 * {@code OP_WRITE}, and the connection stops reading until that backlog is gone.
 *
 * <pre>
 * java ... zloop.bench.echo.NioEchoServer --port 25020
 * </pre>
 */
public final class NioEchoServer {
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
  private long errors;

  private NioEchoServer() {}

  public static void main(String[] argv) throws IOException {
    Args a = Args.parse(argv);
    String host = a.get("host", "127.0.0.1");
    int port = a.getInt("port", 25000);
    new NioEchoServer().serve(new InetSocketAddress(host, port));
  }

  /** The unsent rest of one connection's echo (a direct buffer, made on first need and kept). */
  private static final class Conn {
    ByteBuffer backlog;
  }

  private void serve(InetSocketAddress address) throws IOException {
    try (Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(address, 1024);
      listener.configureBlocking(false);
      listener.register(selector, SelectionKey.OP_ACCEPT);
      System.out.printf(Locale.ROOT, "ready: jdk nio on %s%n", listener.getLocalAddress());
      System.out.flush();
      while (true) {
        selector.select(key -> handle(selector, key));
      }
    }
  }

  private void handle(Selector selector, SelectionKey key) {
    try {
      if (key.isAcceptable()) {
        SocketChannel ch;
        while ((ch = ((ServerSocketChannel) key.channel()).accept()) != null) {
          ch.configureBlocking(false);
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          ch.register(selector, SelectionKey.OP_READ, new Conn());
        }
        return;
      }
      SocketChannel ch = (SocketChannel) key.channel();
      Conn conn = (Conn) key.attachment();
      if (key.isWritable()) {
        ch.write(conn.backlog);
        if (!conn.backlog.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ);
        }
        return;
      }
      if (key.isReadable()) {
        buffer.clear();
        int n = ch.read(buffer);
        if (n < 0) {
          key.cancel();
          ch.close();
          return;
        }
        buffer.flip();
        ch.write(buffer);
        if (buffer.hasRemaining()) {
          if (conn.backlog == null) {
            conn.backlog = ByteBuffer.allocateDirect(buffer.capacity());
          }
          conn.backlog.clear().put(buffer).flip();
          key.interestOps(SelectionKey.OP_WRITE);
        }
      }
    } catch (IOException e) {
      if (++errors <= 10) {
        System.err.println("jdk nio echo: connection error: " + e);
      }
      key.cancel();
      try {
        key.channel().close();
      } catch (IOException ignored) {
        // closing a broken channel: nothing more to do
      }
    }
  }
}
