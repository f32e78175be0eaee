package zloop.bench.tls;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Protocol;
import zloop.Server;
import zloop.ServerOptions;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.spi.TlsProvider;

/**
 * zloop's TLS echo server: {@code Protocol} echo ({@code transport.write(data)} in {@code
 * dataReceived}) under {@code ServerOptions.withTls}, TLSv1.3 only, one loop thread.
 *
 * <pre>
 * java ... zloop.bench.tls.ZloopTlsEchoServer --backend epoll|io_uring|nio --port 27201 --cert C.pem --key K.pem
 * </pre>
 *
 * On the class path {@code zloop.tls} is found through {@code META-INF/services/zloop.spi.TlsProvider};
 * the module only declares it in {@code module-info} ({@code provides}), so {@code scripts/bench-tls}
 * puts a directory with that file on the class path.
 */
public final class ZloopTlsEchoServer {
  private ZloopTlsEchoServer() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = Pem.options(argv);
    if (ServiceLoader.load(TlsProvider.class).findFirst().isEmpty()) {
      System.err.println(
          "zloop-tls: no zloop.spi.TlsProvider on the class path (META-INF/services/zloop.spi.TlsProvider"
              + " naming zloop.tls.SslEngineTlsProvider is missing)");
      System.exit(2);
    }
    String backend = a.getOrDefault("backend", "epoll");
    String host = a.getOrDefault("host", "127.0.0.1");
    int port = Integer.parseInt(a.getOrDefault("port", "27201"));
    TlsOptions tls =
        TlsOptions.of(Pem.serverContext(Path.of(a.get("cert")), Path.of(a.get("key"))))
            .withProtocols("TLSv1.3");
    try (EventLoop loop = EventLoops.newEventLoop(backend)) {
      Server server =
          loop.runUntilComplete(loop.createServer(Echo::new, host, port, ServerOptions.DEFAULT.withTls(tls)));
      System.out.printf(
          Locale.ROOT, "ready: zloop %s TLS on %s%n", loop.backendName(), server.sockets().get(0).localAddress());
      System.out.flush();
      loop.runUntilComplete(server.serveForever());
    }
  }

  /** Echoes the plaintext the TLS layer hands over. */
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
}
