package zloop.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import zloop.bench.scaling.AllocReport;

/**
 * The Netty 4.2 echo server of the matrix, in Netty's best configuration for this test: one
 * event-loop thread for accept and I/O ({@code MultiThreadIoEventLoopGroup(1, ...)}), the default
 * allocator (adaptive in 4.2), {@code write} in {@code channelRead} and {@code flush} in {@code
 * channelReadComplete}, {@code TCP_NODELAY} (as zloop sets it). Run it with {@code
 * --sun-misc-unsafe-memory-access=allow} on JDK 25.
 *
 * <pre>
 * java ... zloop.bench.echo.NettyEchoServer --transport nio|epoll|io_uring --port 25010
 * java ... zloop.bench.echo.NettyEchoServer --list-transports   # the available ones, one a line
 * java ... zloop.bench.echo.NettyEchoServer --threads 2 ...      # N event-loop threads, one bootstrap
 * java ... zloop.bench.echo.NettyEchoServer --alloc-report ...   # each stdin line: prints "alloc: ..."
 * </pre>
 *
 * <p>{@code --threads N} (default 1) gives the one group N event-loop threads: one bootstrap, one
 * listening socket, whose accepts run on one of them and whose connections Netty assigns round-robin
 * over all N. {@code --alloc-report}: see {@link AllocReport}; the loop threads are the group's.
 */
public final class NettyEchoServer {
  private NettyEchoServer() {}

  @SuppressWarnings("FutureReturnValueIgnored") // shutdownGracefully: the process ends anyway
  public static void main(String[] argv)
      throws InterruptedException, java.util.concurrent.ExecutionException {
    Args a = Args.parse(argv, "list-transports", "alloc-report");
    if (a.has("list-transports")) {
      System.out.println("nio");
      System.out.println(Epoll.isAvailable() ? "epoll" : "# epoll: " + Epoll.unavailabilityCause());
      System.out.println(
          IoUring.isAvailable() ? "io_uring" : "# io_uring: " + IoUring.unavailabilityCause());
      return;
    }
    String transport = a.get("transport", "epoll");
    String host = a.get("host", "127.0.0.1");
    int port = a.getInt("port", 25000);
    IoHandlerFactory io;
    Class<? extends ServerChannel> channel;
    switch (transport) {
      case "nio" -> {
        io = NioIoHandler.newFactory();
        channel = NioServerSocketChannel.class;
      }
      case "epoll" -> {
        Epoll.ensureAvailability();
        io = EpollIoHandler.newFactory();
        channel = EpollServerSocketChannel.class;
      }
      case "io_uring" -> {
        IoUring.ensureAvailability();
        io = IoUringIoHandler.newFactory();
        channel = IoUringServerSocketChannel.class;
      }
      default -> throw new IllegalArgumentException("--transport is nio, epoll or io_uring, not " + transport);
    }
    int threads = a.getInt("threads", 1);
    if (threads < 1) {
      throw new IllegalArgumentException("--threads is 1 or more");
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, io);
    try {
      if (a.has("alloc-report")) {
        AllocReport alloc = new AllocReport();
        for (io.netty.util.concurrent.EventExecutor e : group) {
          alloc.addLoopThread(e.submit(Thread::currentThread).get());
        }
        alloc.start();
      }
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(channel)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new Echo())
              .bind(host, port)
              .sync()
              .channel();
      System.out.printf(
          Locale.ROOT, "ready: netty %s%s on %s%n", transport, threads > 1 ? " " + threads + " threads" : "", server.localAddress());
      System.out.flush();
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  /** Writes what it reads; flushes once per read batch. */
  @ChannelHandler.Sharable
  static final class Echo extends ChannelInboundHandlerAdapter {
    private static final AtomicLong ERRORS = new AtomicLong();

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a void promise: errors go to exceptionCaught
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // closing a broken connection
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (ERRORS.incrementAndGet() <= 10) {
        System.err.println("netty echo: connection error: " + cause);
      }
      ctx.close();
    }
  }
}
