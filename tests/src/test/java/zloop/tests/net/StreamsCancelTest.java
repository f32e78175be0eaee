package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.StreamReader;
import zloop.Streams;
import zloop.Task;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Cancelled stream reads consume nothing and leave no read behind; a cancelled or failed client
 * task closes its connection (asyncio 3.12+).
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class StreamsCancelTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** How a test gives up on a read: each way cancels the read's future. */
  @FunctionalInterface
  interface GiveUp {
    void on(EventLoop loop, StreamReader reader) throws Exception;
  }

  /**
   * The peer sends nothing until told; the client gives up on a readline, then the peer sends
   * two lines: the next readline may start at once and gets the first line, the one after the
   * second. Old code: readline wrapped an inner readuntil that stayed pending, so the next read
   * failed with "a read is already waiting", and the inner read swallowed the first line.
   */
  private static void cancelledReadlineLosesNothing(String backend, GiveUp giveUp) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> send = loop.createFuture();
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    send.join();
                    w.write(ascii("first\nsecond\n"));
                    w.drain().join();
                    r.read().join();
                    w.close();
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Task<List<String>> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                List<String> lines = new ArrayList<>();
                try {
                  giveUp.on(loop, p.reader());
                  send.setResult(null);
                  lines.add(new String(p.reader().readLine().join(), StandardCharsets.US_ASCII));
                  lines.add(new String(p.reader().readLine().join(), StandardCharsets.US_ASCII));
                } finally {
                  p.writer().close();
                }
                return lines;
              });
      assertEquals(List.of("first\n", "second\n"), Net.await(loop, client, "client"));
      Net.shutdown(loop, server);
    }
  }

  @BackendTest
  void readlineCancelledByWaitForLosesNoLine(String backend) {
    cancelledReadlineLosesNothing(
        backend,
        (loop, r) -> {
          Throwable t =
              assertThrows(
                  CompletionException.class,
                  () -> loop.waitFor(r.readLine(), Duration.ofMillis(20)).join());
          assertInstanceOf(TimeoutException.class, t.getCause());
        });
  }

  @BackendTest
  void readlineCancelledByWithTimeoutLosesNoLine(String backend) {
    cancelledReadlineLosesNothing(
        backend,
        (loop, r) ->
            assertThrows(
                TimeoutException.class,
                () -> loop.withTimeout(Duration.ofMillis(20), () -> r.readLine().join())));
  }

  @BackendTest
  void readlineOfACancelledTaskLosesNoLine(String backend) {
    cancelledReadlineLosesNothing(
        backend,
        (loop, r) -> {
          Future<Void> reading = loop.createFuture();
          Task<byte[]> reader =
              loop.createTask(
                  () -> {
                    Future<byte[]> line = r.readLine();
                    reading.setResult(null);
                    return line.join();
                  });
          reading.join();
          reader.cancel();
          assertThrows(CancellationException.class, reader::join);
        });
  }

  @BackendTest
  void readexactlyAndReaduntilCancelledConsumeNothing(String backend) {
    cancelledReadlineLosesNothing(
        backend,
        (loop, r) -> {
          Future<byte[]> exactly = r.readExactly(100);
          exactly.cancel();
          Future<byte[]> until = r.readUntil(ascii("\n"));
          until.cancel();
          assertTrue(exactly.isCancelled() && until.isCancelled());
        });
  }

  /** The peer sees the connection close: its read ends with EOF (or a reset). */
  private static boolean peerSeesTheEnd(StreamPair p) {
    try {
      return p.reader().read().join().length == 0;
    } catch (CompletionException e) {
      return e.getCause() instanceof java.io.IOException;
    }
  }

  /**
   * asyncio 3.12+: a client_connected_cb task that is cancelled has its transport closed. Old
   * code left the connection open (the client waited for ever).
   */
  @BackendTest
  void aCancelledClientTaskClosesItsConnection(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Task<?>> serving = new ArrayList<>();
      Future<Void> started = loop.createFuture();
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    started.setResult(null);
                    r.readLine().join(); // never answered: the test cancels this task
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Task<Boolean> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                try {
                  started.join();
                  for (Task<?> t : loop.allTasks()) {
                    if ("stream-client".equals(t.name())) {
                      serving.add(t);
                    }
                  }
                  serving.forEach(Task::cancel);
                  return peerSeesTheEnd(p);
                } finally {
                  p.writer().close();
                }
              });
      assertTrue(Net.await(loop, client, "the client sees the connection close"));
      assertEquals(1, serving.size());
      assertTrue(serving.get(0).isCancelled());
      Net.shutdown(loop, server);
    }
  }

  /** A client task that throws: reported to the exception handler, and the connection closed. */
  @BackendTest
  void aFailedClientTaskIsReportedAndClosesItsConnection(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, context) -> reported.add(context));
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    throw new IllegalStateException("handler bug");
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Task<Boolean> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                try {
                  return peerSeesTheEnd(p);
                } finally {
                  p.writer().close();
                }
              });
      assertTrue(Net.await(loop, client, "the client sees the connection close"));
      assertEquals(1, reported.size(), "reports: " + reported);
      assertEquals("Unhandled exception in client_connected_cb", reported.get(0).message());
      assertInstanceOf(IllegalStateException.class, reported.get(0).exception());
      Net.shutdown(loop, server);
    }
  }

  /** A client task that returns without closing leaves the connection open (asyncio's rule). */
  @BackendTest
  void aClientTaskThatReturnsLeavesItsConnectionOpen(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<zloop.StreamWriter> writers = new ArrayList<>();
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    writers.add(w); // handed on: written to after the task returned
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Task<byte[]> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                try {
                  while (writers.isEmpty()) {
                    loop.sleep(Duration.ZERO).join();
                  }
                  for (int i = 0; i < 3; i++) {
                    loop.sleep(Duration.ZERO).join(); // the handler returned right after add()
                  }
                  zloop.StreamWriter w = writers.get(0);
                  assertTrue(!w.isClosing(), "the connection stayed open");
                  w.write(ascii("later\n"));
                  w.close();
                  return p.reader().read().join();
                } finally {
                  p.writer().close();
                }
              });
      assertArrayEquals(ascii("later\n"), Net.await(loop, client, "client"));
      Net.shutdown(loop, server);
    }
  }
}
