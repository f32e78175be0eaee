package zloop.bench.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Netty 4.2's TLS echo server: one event-loop thread ({@code MultiThreadIoEventLoopGroup(1, ...)})
 * for accept and I/O, {@code SslHandler} from {@code SslContextBuilder.forServer(cert,
 * key).sslProvider(...)}, TLSv1.3 only, {@code write} in {@code channelRead}, {@code
 * flush} in {@code channelReadComplete}, {@code TCP_NODELAY}. Run with {@code
 * --sun-misc-unsafe-memory-access=allow}.
 *
 * <pre>
 * java ... zloop.bench.tls.NettyTlsEchoServer --transport epoll|nio [--provider jdk|openssl] --port 27211 --cert C.pem --key K.pem
 * </pre>
 *
 * <p>{@code --provider jdk} (the default) is the JDK's {@code SSLEngine}, the engine zloop.tls runs
 * on too; {@code openssl} is netty-tcnative's BoringSSL ({@code SslProvider.OPENSSL}), what Netty's
 * users run in production. An OpenSSL that does not load is an error, never a silent JDK fallback.
 */
public final class NettyTlsEchoServer {
  private NettyTlsEchoServer() {}

  @SuppressWarnings("FutureReturnValueIgnored") // shutdownGracefully: the process ends anyway
  public static void main(String[] argv) throws Exception {
    Map<String, String> a = Pem.options(argv);
    String transport = a.getOrDefault("transport", "epoll");
    String host = a.getOrDefault("host", "127.0.0.1");
    int port = Integer.parseInt(a.getOrDefault("port", "27211"));
    SslProvider provider = provider(a.getOrDefault("provider", "jdk"));
    SslContext ssl =
        SslContextBuilder.forServer(new File(a.get("cert")), new File(a.get("key")))
            .sslProvider(provider)
            .protocols("TLSv1.3")
            .build();
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
      default -> throw new IllegalArgumentException("--transport is nio or epoll, not " + transport);
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(channel)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new Echo());
                    }
                  })
              .bind(host, port)
              .sync()
              .channel();
      System.out.printf(
          Locale.ROOT, "ready: netty %s TLS (%s) on %s%n", transport, provider, server.localAddress());
      System.out.flush();
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  private static SslProvider provider(String name) {
    return switch (name) {
      case "jdk" -> SslProvider.JDK;
      case "openssl" -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException(
              "--provider openssl: netty-tcnative did not load", OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      default -> throw new IllegalArgumentException("--provider is jdk or openssl, not " + name);
    };
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
        System.err.println("netty tls echo: connection error: " + cause);
      }
      ctx.close();
    }
  }
}
