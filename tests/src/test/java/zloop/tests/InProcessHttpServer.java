package zloop.tests;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.examples.http.ExampleRoutes;
import zloop.examples.http.HttpLimits;
import zloop.examples.http.HttpServer;

/**
 * The example's {@link HttpServer} with its routes, on a loop of the chosen backend running in a
 * thread of its own, so that the test thread can be its client (curl, python, raw sockets). Closing
 * shuts the server down gracefully and waits for the loop to end.
 */
final class InProcessHttpServer implements AutoCloseable {
  private final Thread thread;
  private final EventLoop loop;
  private final HttpServer server;
  private final CompletableFuture<Void> ended;

  private InProcessHttpServer(Thread thread, EventLoop loop, HttpServer server, CompletableFuture<Void> ended) {
    this.thread = thread;
    this.loop = loop;
    this.server = server;
    this.ended = ended;
  }

  static InProcessHttpServer start(String backend, HttpLimits limits) throws Exception {
    Assumptions.assumeTrue(Backends.availableNames().contains(backend), () -> backend + " is unavailable here");
    CompletableFuture<Object[]> started = new CompletableFuture<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    Thread t =
        Thread.ofPlatform()
            .name("http-" + backend)
            .start(
                () -> {
                  try (EventLoop loop = EventLoops.newEventLoop(backend)) {
                    HttpServer s =
                        loop.runUntilComplete(() -> HttpServer.start(loop, "127.0.0.1", 0, limits, new ExampleRoutes()));
                    started.complete(new Object[] {loop, s});
                    loop.runUntilComplete(s.stopped());
                    ended.complete(null);
                  } catch (Throwable e) {
                    started.completeExceptionally(e);
                    ended.completeExceptionally(e);
                  }
                });
    Object[] ls = started.get(60, TimeUnit.SECONDS);
    return new InProcessHttpServer(t, (EventLoop) ls[0], (HttpServer) ls[1], ended);
  }

  int port() throws Exception {
    return onLoop(server::port);
  }

  long requestsServed() throws Exception {
    return onLoop(server::requestsServed);
  }

  /** Runs {@code f} on the loop thread and returns its result. */
  <T> T onLoop(java.util.concurrent.Callable<T> f) throws Exception {
    CompletableFuture<T> r = new CompletableFuture<>();
    loop.callSoonThreadSafe(
        () -> {
          try {
            r.complete(f.call());
          } catch (Throwable e) {
            r.completeExceptionally(e);
          }
        });
    return r.get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (!ended.isDone()) {
      loop.callSoonThreadSafe(server::shutdown);
    }
    ended.get(90, TimeUnit.SECONDS); // the shutdown ends every connection, within the grace period
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }
}
