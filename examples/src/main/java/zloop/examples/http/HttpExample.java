package zloop.examples.http;

import java.time.Duration;
import java.util.Locale;
import zloop.EventLoop;
import zloop.EventLoops;

/**
 * The HTTP/1.1 example server: {@link HttpServer} with {@link ExampleRoutes}, one loop thread.
 *
 * <pre>
 * scripts/http-server [--backend auto|epoll|io_uring|nio|kqueue] [--host 127.0.0.1] [--port 8080]
 *     [--max-head BYTES] [--max-body BYTES] [--head-timeout S] [--body-timeout S]
 *     [--idle-timeout S] [--shutdown-grace S] [--trace]
 * curl -v http://127.0.0.1:8080/ http://127.0.0.1:8080/stream
 * curl --data-binary @file -H 'Transfer-Encoding: chunked' http://127.0.0.1:8080/echo
 * </pre>
 *
 * <p>SIGTERM or SIGINT shut it down gracefully ({@link HttpServer#shutdown()}): it stops accepting,
 * closes idle connections, lets requests in flight finish, and exits with status 0. {@code --trace}
 * prints a line per request head ({@code > GET / HTTP/1.1}) and per refused request ({@code ! 400
 * why}).
 */
public final class HttpExample {
  private HttpExample() {}

  public static void main(String[] args) {
    String backend = System.getProperty(EventLoops.BACKEND_PROPERTY, "auto");
    String host = "127.0.0.1";
    int port = 8080;
    boolean trace = false;
    HttpLimits limits = HttpLimits.DEFAULT;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--trace")) {
          trace = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--backend" -> backend = v;
          case "--host" -> host = v;
          case "--port" -> port = Integer.parseInt(v);
          case "--max-head" -> limits = limits.withMaxHeadBytes(Integer.parseInt(v));
          case "--max-body" -> limits = limits.withMaxBodyBytes(Integer.parseInt(v));
          case "--head-timeout" -> limits = limits.withHeadTimeout(seconds(v));
          case "--body-timeout" -> limits = limits.withBodyTimeout(seconds(v));
          case "--idle-timeout" -> limits = limits.withIdleTimeout(seconds(v));
          case "--shutdown-grace" -> limits = limits.withShutdownGrace(seconds(v));
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
    } catch (IllegalArgumentException e) { // NumberFormatException too
      System.err.println("http-server: " + e.getMessage());
      System.err.println(
          "usage: http-server [--backend NAME] [--host HOST] [--port PORT] [--max-head BYTES] [--max-body BYTES]"
              + " [--head-timeout S] [--body-timeout S] [--idle-timeout S] [--shutdown-grace S] [--trace]");
      System.exit(2);
      return;
    }
    EventLoop loop;
    try {
      loop = EventLoops.newEventLoop(backend);
    } catch (IllegalArgumentException e) {
      System.err.println("http-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    String h = host;
    int p = port;
    HttpLimits l = limits;
    try (loop) {
      HttpServer server = loop.runUntilComplete(() -> HttpServer.start(loop, h, p, l, new ExampleRoutes()));
      if (trace) {
        server.trace(System.out);
      }
      for (String signal : new String[] {"TERM", "INT"}) {
        try {
          loop.addSignalHandler(
              signal,
              () -> {
                System.out.printf(
                    Locale.ROOT, "SIG%s: shutting down, %d connections open%n", signal, server.openConnections());
                System.out.flush();
                server.shutdown();
              });
        } catch (IllegalArgumentException | IllegalStateException e) {
          System.err.println("http-server: no graceful shutdown on SIG" + signal + ": " + e.getMessage());
        }
      }
      System.out.printf(
          Locale.ROOT, "zloop http server (%s) listening on %s:%d%n", loop.backendName(), host, server.port());
      System.out.flush();
      loop.runUntilComplete(server.stopped());
      System.out.printf(Locale.ROOT, "stopped: %d requests served%n", server.requestsServed());
    }
  }

  private static Duration seconds(String v) {
    return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
  }
}
