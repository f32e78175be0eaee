package zloop.bench.echo;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.Locale;
import zloop.DatagramEndpoint;
import zloop.DatagramProtocol;
import zloop.DatagramTransport;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.NetSocket;

/**
 * The zloop UDP echo server of {@code scripts/bench-udp}: one loop, one datagram endpoint that
 * sends every datagram back to its sender from {@code datagramReceived} (the loop's receive
 * memory, no copy unless the kernel's send buffer is full).
 *
 * <pre>
 * java ... zloop.bench.echo.ZloopUdpEchoServer --backend epoll|io_uring|nio --port 26001
 * </pre>
 */
public final class ZloopUdpEchoServer {
  private ZloopUdpEchoServer() {}

  public static void main(String[] argv) throws java.io.IOException {
    Args a = Args.parse(argv);
    String backend = a.get("backend", "auto");
    String host = a.get("host", "127.0.0.1");
    int port = a.getInt("port", 26000);
    try (EventLoop loop = EventLoops.newEventLoop(backend)) {
      DatagramEndpoint<Echo> e =
          loop.runUntilComplete(
              loop.createDatagramEndpoint(Echo::new, new InetSocketAddress(host, port), null, null));
      NetSocket socket = (NetSocket) e.transport().getExtraInfo("socket");
      socket.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      socket.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
      System.out.printf(
          Locale.ROOT, "ready: zloop %s udp on %s%n", loop.backendName(), e.transport().getExtraInfo("sockname"));
      System.out.flush();
      loop.runForever();
    }
  }

  /** Sends each datagram back to where it came from. */
  static final class Echo implements DatagramProtocol {
    private DatagramTransport transport;

    @Override
    public void connectionMade(DatagramTransport t) {
      transport = t;
    }

    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress address) {
      transport.sendTo(data, address);
    }
  }
}
