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
import zloop.bench.scaling.AllocReport;

/**
 * The zloop echo server of the matrix, one loop thread. It mirrors {@code
 * examples/.../EchoServer}:
 *
 * <pre>
 * java ... zloop.bench.echo.ZloopEchoServer --backend epoll|io_uring|nio --mode proto|buffered|streams|streams-bytes --port 25001
 * java ... zloop.bench.echo.ZloopEchoServer --list-backends     # prints the available backends, one a line
 * java ... zloop.bench.echo.ZloopEchoServer --mode proto --loops 2 --port 25001   # 2 loops, SO_REUSEPORT
 * java ... zloop.bench.echo.ZloopEchoServer --alloc-report ...  # each stdin line: prints "alloc: ..."
 * java ... zloop.bench.echo.ZloopEchoServer --mode streams --stream-buffer 262144 ...  # read size
 * </pre>
 *
 * <p>{@code --loops N} (proto and buffered only; default 1) runs N loops on N threads, each with its
 * own {@code createServer} on the same port with {@code SO_REUSEPORT}, so the kernel spreads the
 * connections. {@code --alloc-report} answers every line read from stdin with {@code alloc: loop=B
 * total=B}: the bytes allocated so far by the loop threads, and by every thread of the JVM (see
 * {@link AllocReport}).
 *
 * {@code proto} writes from {@code dataReceived} (the loop's read buffer), {@code buffered} lets the
 * kernel read into the protocol's own buffer, {@code streams} runs a task per connection that reads
 * up to 256 KiB (the transport's read size; {@code --stream-buffer}) into its own direct buffer
 * ({@code readInto}), writes it and drains, and {@code streams-bytes} does the same with asyncio's
 * classic {@code read(65536)} (64 KiB unless {@code --stream-buffer}), an array per read.
 * Prints {@code ready} once it listens.
 */
public final class ZloopEchoServer {
  private ZloopEchoServer() {}

  public static void main(String[] argv) {
    Args a = Args.parse(argv, "list-backends", "alloc-report");
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
    boolean streams = mode.equals("streams") || mode.equals("streams-bytes");
    if (!mode.equals("proto") && !mode.equals("buffered") && !streams) {
      throw new IllegalArgumentException(
          "--mode is proto, buffered, streams or streams-bytes, not " + mode);
    }
    int loops = a.getInt("loops", 1);
    if (loops < 1 || (loops > 1 && streams)) {
      throw new IllegalArgumentException("--loops is 1 or more, and 1 for --mode streams");
    }
    // streams reads as much per call as the transport reads per recv (256 KiB), so it makes the
    // same syscalls as proto; streams-bytes keeps asyncio's classic read(65536).
    int streamBuffer = a.getInt("stream-buffer", mode.equals("streams") ? 256 * 1024 : 64 * 1024);
    if (streamBuffer < 1) {
      throw new IllegalArgumentException("--stream-buffer is a size in bytes, 1 or more");
    }
    AllocReport alloc = a.has("alloc-report") ? new AllocReport() : null;
    if (loops > 1) {
      runLoops(backend, mode, host, port, loops, alloc);
      return;
    }
    if (alloc != null) {
      alloc.addLoopThread(Thread.currentThread());
      alloc.start();
    }
    try (EventLoop loop = EventLoops.newEventLoop(backend)) {
      Supplier<BaseProtocol> factory = mode.equals("buffered") ? BufferedEcho::new : Echo::new;
      Server server =
          loop.runUntilComplete(
              streams
                  ? Streams.startServer(
                      loop,
                      mode.equals("streams")
                          ? (r, w) -> serveStream(r, w, streamBuffer)
                          : (r, w) -> serveStreamBytes(r, w, streamBuffer),
                      host,
                      port,
                      StreamOptions.DEFAULT)
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

  /**
   * {@code --loops N}: N loops, each on its own thread with its own server on {@code port}
   * ({@code SO_REUSEPORT}). Prints {@code ready} once all of them listen; runs until killed.
   */
  private static void runLoops(
      String backend, String mode, String host, int port, int loops, AllocReport alloc) {
    ServerOptions options = ServerOptions.DEFAULT.withReusePort(true);
    Supplier<BaseProtocol> factory = mode.equals("buffered") ? BufferedEcho::new : Echo::new;
    java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(loops);
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    String[] names = new String[loops];
    Thread[] threads = new Thread[loops];
    for (int i = 0; i < loops; i++) {
      int index = i;
      threads[i] =
          Thread.ofPlatform()
              .name("zloop-echo-" + i)
              .unstarted(
                  () -> {
                    try (EventLoop loop = EventLoops.newEventLoop(backend)) {
                      Server server = loop.runUntilComplete(loop.createServer(factory, host, port, options));
                      names[index] = loop.backendName() + " " + server.sockets().get(0).localAddress();
                      listening.countDown();
                      loop.runUntilComplete(server.serveForever());
                    } catch (Throwable t) {
                      failure.compareAndSet(null, t);
                      while (listening.getCount() > 0) {
                        listening.countDown();
                      }
                    }
                  });
      if (alloc != null) {
        alloc.addLoopThread(threads[i]);
      }
      threads[i].start();
    }
    try {
      listening.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (failure.get() != null) {
      System.err.println("zloop echo: a loop failed: " + failure.get());
      System.exit(1);
    }
    if (alloc != null) {
      alloc.start();
    }
    System.out.printf(Locale.ROOT, "ready: zloop %s %d loops (SO_REUSEPORT) %s%n", mode, loops, names[0]);
    System.out.flush();
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * The streams mode: a task per connection that reads into its own direct buffer (the kernel
   * reads straight into it on a readiness backend; one copy from the transport's buffer on
   * io_uring), writes from it (no copy: the buffer is direct) and drains.
   */
  static void serveStream(StreamReader reader, StreamWriter writer, int bufferSize) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(bufferSize);
    while (reader.readInto(buffer.clear()).join() > 0) {
      writer.write(buffer.flip());
      writer.drain().join();
    }
    writer.close();
  }

  /** The streams-bytes mode: asyncio's classic loop, an array per read. */
  static void serveStreamBytes(StreamReader reader, StreamWriter writer, int bufferSize) {
    while (true) {
      byte[] data = reader.read(bufferSize).join();
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
