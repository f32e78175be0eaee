package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Future;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamReader;
import zloop.StreamWriter;
import zloop.Streams;
import zloop.Task;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * A stream writer whose peer is gone: {@code drain} must fail (asyncio's "Connection lost") and
 * yield to the loop, never complete at once forever while writes vanish.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class DrainClosingTest {

  /** Closes a plain socket with a reset (SO_LINGER 0), as a crashed or hostile peer does. */
  private static void reset(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }

  /**
   * The peer resets; the server's writer, not reading, keeps writing small chunks and draining.
   * On old code the first write hit ECONNRESET, later writes were dropped and every drain
   * completed at once without yielding: thousands of rounds (or for ever) with no error while the
   * loop ran nothing else.
   */
  @BackendTest
  void drainAfterThePeerResetFailsInsteadOfSpinning(String backend) throws Exception {
    // Bounded so that old code ends too: it spun thousands of rounds (or for ever) without an error.
    int bound = 20_000;
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> peerGone = loop.createFuture();
      Future<Integer> iterations = loop.createFuture();
      AtomicReference<Throwable> drainFailure = new AtomicReference<>();
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    r.readLine().join(); // the peer is connected and said hello
                    w.transport().pauseReading(); // the reset is found by a write, not a read
                    peerGone.join();
                    byte[] chunk = new byte[100];
                    int i = 0;
                    try {
                      for (; i < bound; i++) {
                        w.write(chunk);
                        w.drain().join();
                      }
                    } catch (RuntimeException e) {
                      drainFailure.set(e);
                    }
                    iterations.setResult(i);
                    w.close();
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Thread peer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (Socket s = new Socket()) {
                      s.connect(new InetSocketAddress("127.0.0.1", port));
                      s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                      s.getOutputStream().flush();
                      Thread.sleep(50); // let the server read the hello before the reset (not asserted)
                      reset(s);
                      peerGone.setResult(null);
                    } catch (IOException | InterruptedException e) {
                      peerGone.setException(e);
                    }
                  });
      int done = Net.await(loop, iterations, "the writer's loop ends");
      peer.join();
      Throwable failure = drainFailure.get();
      assertNotNull(failure, "no drain failed in " + done + " write+drain rounds to a reset peer");
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      assertInstanceOf(SocketException.class, cause, "drain's failure: " + failure);
      // One write finds the reset (io_uring: once the queue reaches its high watermark, 64 KiB).
      assertTrue(done <= 1000, "write+drain rounds before the drain failed: " + done);
      Net.shutdown(loop, server);
    }
  }

  /**
   * asyncio's {@code drain} on a closing transport: after {@code close()} with 4 MiB still queued
   * and the peer reading, {@code drain} completes once the bytes flush; once the connection is
   * gone it fails with "Connection lost".
   */
  @BackendTest
  void drainAfterCloseCompletesAndAfterLossFails(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> outcome = loop.createFuture();
      byte[] big = Net.payload(4 * 1024 * 1024, 5);
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    w.write(big);
                    w.close();
                    String first = "drain-after-close:" + join(w.drain());
                    w.waitClosed().join();
                    String second = "drain-after-lost:" + join(w.drain());
                    outcome.setResult(first + " " + second);
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Task<byte[]> client =
          loop.createTask(
              () -> {
                var p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                byte[] all = p.reader().read().join();
                p.writer().close();
                p.writer().waitClosed().join();
                return all;
              });
      assertArrayEquals(big, Net.await(loop, client, "client"));
      assertEquals("drain-after-close:ok drain-after-lost:SocketException", Net.await(loop, outcome, "server"));
      Net.shutdown(loop, server);
    }
  }

  private static String join(Future<Void> f) {
    try {
      f.join();
      return "ok";
    } catch (CompletionException e) {
      return e.getCause().getClass().getSimpleName();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }

  /** The streams-mode echo of scripts/echo-server: read, write, drain, until EOF. */
  private static void echo(StreamReader reader, StreamWriter writer) {
    while (true) {
      byte[] data = reader.read(64 * 1024).join();
      if (data.length == 0) {
        break;
      }
      writer.write(data);
      writer.drain().join();
    }
    writer.close();
  }

  /**
   * Outside in: 200 clients send, then reset mid-stream without reading the echo; afterwards
   * ordinary clients are still echoed. On old code one reset connection's task could spin in
   * write+drain and the server stopped serving everyone.
   */
  @BackendTest
  void resetClientsDoNotStopTheStreamsEchoServer(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      loop.setExceptionHandler((l, context) -> {}); // failed echo tasks are expected here
      Server server =
          Net.await(
              loop,
              Streams.startServer(loop, DrainClosingTest::echo, "127.0.0.1", 0, StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Future<String> clients = loop.createFuture();
      Thread peers =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      byte[] burst = Net.payload(256 * 1024, 3);
                      for (int i = 0; i < 200; i++) {
                        Socket s = new Socket();
                        try {
                          s.connect(new InetSocketAddress("127.0.0.1", port));
                          OutputStream out = s.getOutputStream();
                          out.write(burst, 0, 32 * 1024 + i * 997);
                          out.flush();
                          s.getInputStream().read(); // the echo started: reset mid-stream
                        } finally {
                          reset(s);
                        }
                      }
                      StringBuilder echoed = new StringBuilder();
                      for (int i = 0; i < 5; i++) {
                        try (Socket s = new Socket()) {
                          s.setSoTimeout(30_000);
                          s.connect(new InetSocketAddress("127.0.0.1", port));
                          byte[] msg = ("still served " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                          s.getOutputStream().write(msg);
                          s.shutdownOutput();
                          echoed.append(new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII));
                        }
                      }
                      clients.setResult(echoed.toString());
                    } catch (IOException | RuntimeException e) {
                      clients.setException(e);
                    }
                  });
      String echoed = Net.await(loop, clients, "the clients after the resets");
      peers.join();
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        expected.append("still served ").append(i).append('\n');
      }
      assertEquals(expected.toString(), echoed);
      Net.shutdown(loop, server);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }
}
