package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.crc;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Server;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Peers zloop did not write, exchanging checksummed data with it: Python's asyncio as a client
 * and as a server, and a Netty 4.2 client (NIO transport).
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class PeerInteropTest {
  private static final int SIZE = 4 << 20;

  @TempDir Path dir;

  /** An echo server that also records what it received (count and CRC32). */
  private static final class RecordingEcho extends Recorder.Plain {
    RecordingEcho(EventLoop loop) {
      super(loop);
      keepLimit = 0;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      super.dataReceived(data.duplicate());
      transport.write(data);
    }
  }

  private static Server recordingEchoServer(EventLoop loop, List<RecordingEcho> accepted) {
    return await(
        loop,
        loop.createServer(
            () -> {
              RecordingEcho p = new RecordingEcho(loop);
              accepted.add(p);
              return p;
            },
            "127.0.0.1",
            0),
        "createServer");
  }

  private static String python() {
    return Requires.python3("asyncio", "zlib", "random");
  }

  @BackendTest
  void pythonAsyncioClientAgainstAZloopServer(String backend) throws Exception {
    String python = python();
    Path script = Subprocess.resource("/peers/asyncio_echo_client.py", dir);
    try (EventLoop loop = Backends.open(backend)) {
      List<RecordingEcho> accepted = new ArrayList<>();
      Server server = recordingEchoServer(loop, accepted);
      try (Subprocess client =
          Subprocess.start(List.of(python, script.toString(), "127.0.0.1", String.valueOf(port(server)), String.valueOf(SIZE), "7"))) {
        await(loop, loop.wrap(client.onExit()), "the Python client to finish", java.time.Duration.ofSeconds(90));
        assertEquals(0, client.waitFor(), "the Python client's exit code; output:\n" + client.output());
        String[] sent = client.expect("SENT").split(" ", -1);
        String[] received = client.expect("RECEIVED").split(" ", -1);
        assertEquals(String.valueOf(SIZE), sent[1]);
        assertEquals(String.valueOf(SIZE), received[1], "bytes echoed back to Python");
        assertEquals(sent[2], received[2], "CRC32 of what Python sent and of what it got back");
        RecordingEcho srv = accepted.get(0);
        await(loop, srv.lost, "the server side's connectionLost");
        assertEquals(SIZE, srv.received, "bytes the zloop server received");
        assertEquals(Long.parseLong(sent[2]), srv.crcValue(), "CRC32 at the zloop server");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aZloopClientAgainstAPythonAsyncioServer(String backend) throws Exception {
    String python = python();
    Path script = Subprocess.resource("/peers/asyncio_echo_server.py", dir);
    try (EventLoop loop = Backends.open(backend);
        Subprocess server = Subprocess.start(List.of(python, script.toString()))) {
      int port = Integer.parseInt(server.expect("PORT").split(" ", -1)[1]);
      byte[] data = Net.payload(SIZE, 8);
      Recorder.Plain client = new Recorder.Plain(loop);
      client.keepLimit = 0;
      Connection<Recorder.Plain> c =
          await(loop, loop.createConnection(() -> client, "127.0.0.1", port), "connect to the Python server");
      c.transport().write(data);
      c.transport().writeEof();
      await(loop, client.eof, "the Python server's EOF after the echo");
      assertNull(await(loop, client.lost, "connectionLost"));
      assertEquals(SIZE, client.received, "bytes echoed by Python");
      assertEquals(crc(data), client.crcValue(), "CRC32 of the echo");
      String[] received = server.expect("RECEIVED").split(" ", -1);
      assertEquals(3, received.length, "the Python server saw no error: " + String.join(" ", received));
      assertEquals(String.valueOf(SIZE), received[1], "bytes the Python server received");
      assertEquals(String.valueOf(crc(data)), received[2], "CRC32 at the Python server");
      assertEquals(0, server.waitFor(), "the Python server's exit code; output:\n" + server.output());
    }
  }

  /** What the Netty client saw: the bytes echoed back until the server closed. */
  private record NettyResult(long count, long crc, Throwable error) {}

  @BackendTest
  void aNettyClientAgainstAZloopServer(String backend) throws Exception {
    byte[] data = Net.payload(SIZE, 9);
    try (EventLoop loop = Backends.open(backend)) {
      List<RecordingEcho> accepted = new ArrayList<>();
      Server server = recordingEchoServer(loop, accepted);
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      try {
        CompletableFuture<NettyResult> result = new CompletableFuture<>();
        Bootstrap b =
            new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(
                    new ChannelInboundHandlerAdapter() {
                      final CRC32 crc = new CRC32();
                      long count;

                      @Override
                      public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(data))
                            .addListener(
                                f -> {
                                  if (f.isSuccess()) {
                                    var unused = ((NioSocketChannel) ctx.channel()).shutdownOutput();
                                  } else {
                                    result.complete(new NettyResult(count, crc.getValue(), f.cause()));
                                  }
                                });
                      }

                      @Override
                      public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        try {
                          count += buf.readableBytes();
                          for (ByteBuffer nio : buf.nioBuffers()) {
                            crc.update(nio);
                          }
                        } finally {
                          buf.release();
                        }
                      }

                      @Override
                      public void channelInactive(ChannelHandlerContext ctx) {
                        result.complete(new NettyResult(count, crc.getValue(), null));
                      }

                      @Override
                      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        result.complete(new NettyResult(count, crc.getValue(), cause));
                        var unused = ctx.close();
                      }
                    });
        Channel ch = b.connect("127.0.0.1", port(server)).channel();
        NettyResult got = await(loop, loop.wrap(result), "the Netty client to finish");
        ch.close().syncUninterruptibly();
        assertNull(got.error(), "the Netty client's error");
        assertEquals(SIZE, got.count(), "bytes echoed to Netty");
        assertEquals(crc(data), got.crc(), "CRC32 of the echo at Netty");
        RecordingEcho srv = accepted.get(0);
        await(loop, srv.lost, "the server side's connectionLost");
        assertEquals(SIZE, srv.received);
        assertEquals(crc(data), srv.crcValue(), "CRC32 at the zloop server");
        assertTrue(srv.eofCalls == 1, "Netty's shutdownOutput reached the server as EOF");
      } finally {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        shutdown(loop, server);
      }
    }
  }
}
