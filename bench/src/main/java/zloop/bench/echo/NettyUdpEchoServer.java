package zloop.bench.echo;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.util.Locale;

/**
 * The Netty 4.2 UDP echo server of {@code scripts/bench-udp}: one event-loop thread, a datagram
 * channel whose handler writes each {@link DatagramPacket} back to its sender and flushes once per
 * read batch. On epoll it reads up to 16 datagrams per {@code recvmmsg} ({@code
 * MAX_DATAGRAM_PAYLOAD_SIZE} 2048 with a 32 KiB receive buffer), as zloop's epoll backend does;
 * NIO reads one per call, as the JDK does.
 *
 * <pre>
 * java ... zloop.bench.echo.NettyUdpEchoServer --transport nio|epoll --port 26002
 * </pre>
 */
public final class NettyUdpEchoServer {
  private NettyUdpEchoServer() {}

  @SuppressWarnings("FutureReturnValueIgnored") // shutdownGracefully: the process ends anyway
  public static void main(String[] argv) throws InterruptedException {
    Args a = Args.parse(argv);
    String transport = a.get("transport", "epoll");
    String host = a.get("host", "127.0.0.1");
    int port = a.getInt("port", 26000);
    IoHandlerFactory io;
    Bootstrap b = new Bootstrap();
    switch (transport) {
      case "nio" -> {
        io = NioIoHandler.newFactory();
        b.channel(NioDatagramChannel.class);
      }
      case "epoll" -> {
        Epoll.ensureAvailability();
        io = EpollIoHandler.newFactory();
        b.channel(EpollDatagramChannel.class)
            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(16 * 2048));
      }
      default -> throw new IllegalArgumentException("--transport is nio or epoll, not " + transport);
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
    try {
      Channel channel =
          b.group(group)
              .option(ChannelOption.SO_RCVBUF, 4 << 20)
              .option(ChannelOption.SO_SNDBUF, 4 << 20)
              .handler(new Echo())
              .bind(host, port)
              .sync()
              .channel();
      System.out.printf(Locale.ROOT, "ready: netty %s udp on %s%n", transport, channel.localAddress());
      System.out.flush();
      channel.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  /** Writes each datagram back to its sender; flushes once per read batch. */
  @ChannelHandler.Sharable
  static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
    Echo() {
      super(false); // the packet's buffer goes back out: do not release it here
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a void promise
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      System.err.println("netty udp echo: " + cause);
    }
  }
}
