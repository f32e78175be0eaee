package zloop.bench.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 hello world on Netty 4.2, epoll, one event-loop thread, for {@code scripts/bench-http}:
 * {@link HttpServerCodec} and a handler that writes a pre-built {@link FullHttpResponse} (a {@code
 * retainedDuplicate} of one static content buffer) per request, keep-alive, flushed in {@code
 * channelReadComplete}. Run it with {@code --sun-misc-unsafe-memory-access=allow} on JDK 25.
 *
 * <p>{@code --date} adds a {@code Date} header, formatted once a second on the event loop, so that
 * the answer carries the same headers as the zloop example server's ({@code
 * zloop.examples.http.HttpExample}), which {@code scripts/bench-http} compares it with.
 *
 * <pre>
 * java ... zloop.bench.http.NettyHttpHello [--date] --port 27311
 * </pre>
 */
public final class NettyHttpHello {
  private NettyHttpHello() {}

  private static final ByteBuf CONTENT =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(13).writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)))
          .asReadOnly();

  @SuppressWarnings("FutureReturnValueIgnored") // shutdownGracefully: the process ends anyway
  public static void main(String[] argv) throws InterruptedException {
    String host = "127.0.0.1";
    int port = 27311;
    boolean date = false;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--date" -> date = true;
        case "--host" -> host = argv[++i];
        case "--port" -> port = Integer.parseInt(argv[++i]);
        default -> throw new IllegalArgumentException("unknown option " + argv[i]);
      }
    }
    Epoll.ensureAvailability();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    if (date) {
      // One event-loop thread: the handler reads the field on the thread that writes it.
      group.scheduleAtFixedRate(Hello::formatDate, 0, 1, TimeUnit.SECONDS);
    }
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(EpollServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(new HttpServerCodec(), new Hello());
                    }
                  })
              .bind(host, port)
              .sync()
              .channel();
      System.out.printf(Locale.ROOT, "ready: netty-http epoll on %s%n", server.localAddress());
      System.out.flush();
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  /** Answers every request with the pre-built response; flushes once per read batch. */
  static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
    private static final DateTimeFormatter IMF_FIXDATE =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);
    /** The current Date header value, or null without {@code --date}. Event-loop thread only. */
    private static AsciiString date;

    static void formatDate() {
      date = AsciiString.cached(IMF_FIXDATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // void promise / close listener
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!(msg instanceof HttpRequest req)) {
        return; // LastHttpContent (empty for bodiless requests)
      }
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, CONTENT.retainedDuplicate());
      res.headers()
          .set(HttpHeaderNames.CONTENT_LENGTH, 13)
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
      if (date != null) {
        res.headers().set(HttpHeaderNames.DATE, date);
      }
      if (HttpUtil.isKeepAlive(req)) {
        ctx.write(res, ctx.voidPromise());
      } else {
        ctx.write(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // closing a broken connection
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
