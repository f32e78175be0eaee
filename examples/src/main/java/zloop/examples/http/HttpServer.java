package zloop.examples.http;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import zloop.EventLoop;
import zloop.Future;
import zloop.Server;
import zloop.TimerHandle;

/**
 * An HTTP/1.1 server on a zloop loop: a listening {@link Server} whose connections are {@link
 * HttpConnection}s, the list of those connections, one timer that enforces every connection's time
 * limits, and the graceful shutdown. Loop thread only, except where a method says otherwise.
 *
 * <p>Time limits cost no timer per request: each connection notes a deadline, and one sweep, a few
 * times per shortest timeout, closes those past it, and deadlines are set from the clock as of the
 * last sweep; a limit is therefore kept to within a quarter of the shortest timeout.
 */
public final class HttpServer {
  private final EventLoop loop;
  private final HttpLimits limits;
  private final HttpHandler handler;
  private final HttpDate date = new HttpDate();
  private final List<HttpConnection> connections = new ArrayList<>();
  private final long sweepNanos;
  private final Future<Void> stopped;
  private Server server;
  private TimerHandle sweep;
  private TimerHandle graceEnd;
  private long now;
  private boolean shuttingDown;
  private long requestsServed;
  private PrintStream trace;

  private HttpServer(EventLoop loop, HttpLimits limits, HttpHandler handler) {
    this.loop = loop;
    this.limits = limits;
    this.handler = handler;
    this.sweepNanos = Math.max(10_000_000L, limits.shortestTimeout().toNanos() / 4);
    this.stopped = loop.createFuture();
    this.now = loop.time();
  }

  /**
   * Starts listening. Call it in a task of the loop (it waits for the listening socket).
   *
   * @param loop the loop that serves the connections
   * @param host the address to listen on
   * @param port the port, 0 for any free one
   * @param limits the bounds every connection lives within
   * @param handler answers the requests
   * @return the running server
   */
  public static HttpServer start(EventLoop loop, String host, int port, HttpLimits limits, HttpHandler handler) {
    HttpServer s = new HttpServer(loop, limits, handler);
    s.server = loop.createServer(() -> new HttpConnection(s), host, port).join();
    s.scheduleSweep();
    return s;
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  /**
   * Prints a line per request head and per refused request to {@code out} (for tests and
   * debugging; off by default, as it costs a print per request).
   *
   * @param out where the lines go, or {@code null} for none
   */
  public void trace(PrintStream out) {
    trace = out;
  }

  /**
   * Shuts down gracefully: stops accepting, closes idle keep-alive connections at once, lets every
   * request in flight finish (its answer carries {@code Connection: close}) and aborts what still
   * runs after {@link HttpLimits#shutdownGrace()}. {@link #stopped()} completes once every
   * connection is gone. Idempotent; what a SIGTERM handler calls.
   */
  public void shutdown() {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    server.close();
    for (HttpConnection c : List.copyOf(connections)) {
      c.shutdown();
    }
    graceEnd =
        loop.callLater(
            limits.shutdownGrace(),
            () -> {
              for (HttpConnection c : List.copyOf(connections)) {
                c.abort();
              }
            });
    server.waitClosed().addDoneCallback(f -> finishShutdown());
  }

  private void finishShutdown() {
    sweep.cancel();
    graceEnd.cancel();
    stopped.setResult(null);
  }

  /**
   * Completes once {@link #shutdown()} ended every connection.
   *
   * @return the future of the end
   */
  public Future<Void> stopped() {
    return stopped;
  }

  /**
   * Requests answered so far (refusals not counted).
   *
   * @return the count
   */
  public long requestsServed() {
    return requestsServed;
  }

  /**
   * Connections open now.
   *
   * @return the count
   */
  public int openConnections() {
    return connections.size();
  }

  private void scheduleSweep() {
    sweep = loop.callLater(Duration.ofNanos(sweepNanos), this::sweepConnections);
  }

  /** Ends the connections whose current wait took too long. */
  private void sweepConnections() {
    now = loop.time();
    for (HttpConnection c : List.copyOf(connections)) {
      c.checkDeadline(now);
    }
    scheduleSweep();
  }

  // ---- for the connections ----

  HttpLimits limits() {
    return limits;
  }

  HttpHandler handler() {
    return handler;
  }

  HttpDate date() {
    return date;
  }

  /** The loop's clock as of the last sweep: what deadlines are set from (no clock read per request). */
  long now() {
    return now;
  }

  boolean isShuttingDown() {
    return shuttingDown;
  }

  void opened(HttpConnection c) {
    c.slot = connections.size();
    connections.add(c);
    if (shuttingDown) {
      c.shutdown(); // accepted just before the listening socket closed
    }
  }

  void closed(HttpConnection c) {
    int i = c.slot;
    if (i < 0) {
      return;
    }
    HttpConnection last = connections.removeLast();
    if (last != c) {
      connections.set(i, last);
      last.slot = i;
    }
    c.slot = -1;
  }

  void requestServed() {
    requestsServed++;
  }

  void handlerFailed(HttpRequest request, RuntimeException e) {
    System.err.println("http: the handler failed" + (request != null ? " on " + request : "") + ": " + e);
    e.printStackTrace();
  }

  void traceHead(RequestHeadParser head) {
    if (trace != null) {
      trace.println("> " + head.method() + " " + head.target() + (head.http10() ? " HTTP/1.0" : " HTTP/1.1"));
      trace.flush();
    }
  }

  void traceRefusal(HttpError e) {
    if (trace != null) {
      trace.println("! " + e.status() + " " + e.getMessage());
      trace.flush();
    }
  }
}
