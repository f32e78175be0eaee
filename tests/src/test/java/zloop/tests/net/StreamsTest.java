package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.EventLoop;
import zloop.Future;
import zloop.IncompleteReadException;
import zloop.LimitOverrunException;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.StreamReader;
import zloop.StreamWriter;
import zloop.Streams;
import zloop.Task;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** Streams (StreamReader/StreamWriter) on every backend, from tasks and from callbacks. */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class StreamsTest {

  /** A line echo served by a task per connection. */
  private static void lineEcho(StreamReader reader, StreamWriter writer) {
    while (true) {
      byte[] line = reader.readLine().join();
      if (line.length == 0) {
        break;
      }
      writer.write(line);
      writer.drain().join();
    }
    writer.close();
  }

  private static Server startLineEcho(EventLoop loop, int limit) {
    return Net.await(
        loop,
        Streams.startServer(loop, StreamsTest::lineEcho, "127.0.0.1", 0, StreamOptions.DEFAULT.withLimit(limit)),
        "startServer");
  }

  @BackendTest
  void lineEchoWithLinesUpToOneMebibyte(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = startLineEcho(loop, 2 * 1024 * 1024);
      int port = Net.port(server);
      Task<Void> client =
          loop.createTask(
              () -> {
                StreamPair p =
                    Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT.withLimit(2 * 1024 * 1024)).join();
                int[] sizes = {1, 80, 4096, 65_535, 65_536, 300_000, 1024 * 1024};
                for (int i = 0; i < sizes.length; i++) {
                  byte[] line = line(sizes[i], i);
                  p.writer().write(line);
                  p.writer().drain().join();
                  byte[] back = p.reader().readLine().join();
                  assertArrayEquals(line, back, "line of " + sizes[i] + " bytes");
                }
                p.writer().writeEof();
                assertEquals(0, p.reader().readLine().join().length, "EOF after the server closes");
                assertTrue(p.reader().atEof());
                p.writer().close();
                p.writer().waitClosed().join();
                return null;
              });
      Net.await(loop, client, "client task");
      Net.shutdown(loop, server);
    }
  }

  /** A line of {@code size} bytes (the last one '\n') of printable pseudo-random text. */
  private static byte[] line(int size, long seed) {
    byte[] b = Net.payload(size, seed);
    for (int i = 0; i < size - 1; i++) {
      b[i] = (byte) ('a' + ((b[i] & 0xff) % 26));
    }
    b[size - 1] = '\n';
    return b;
  }

  @BackendTest
  void readuntilOverTheLimitFailsAndLeavesTheStreamUsable(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = startLineEcho(loop, 1 << 20);
      int port = Net.port(server);
      Task<Void> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT.withLimit(1000)).join();
                byte[] tooLong = line(5000, 1);
                p.writer().write(tooLong);
                p.writer().write("short\n".getBytes(StandardCharsets.US_ASCII));
                // readuntil leaves the over-long data buffered: read it out by hand.
                CompletionException e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                        CompletionException.class, () -> p.reader().readUntil(new byte[] {'\n'}).join());
                LimitOverrunException overrun = assertInstanceOf(LimitOverrunException.class, e.getCause());
                assertTrue(overrun.consumed() > 1000, "consumed " + overrun.consumed());
                byte[] rest = p.reader().readExactly(tooLong.length).join();
                assertArrayEquals(tooLong, rest);
                assertEquals("short\n", new String(p.reader().readLine().join(), StandardCharsets.US_ASCII));
                // readline drops an over-long line and the stream goes on.
                p.writer().write(line(5000, 2));
                p.writer().write("next\n".getBytes(StandardCharsets.US_ASCII));
                CompletionException e2 =
                    org.junit.jupiter.api.Assertions.assertThrows(
                        CompletionException.class, () -> p.reader().readLine().join());
                assertInstanceOf(LimitOverrunException.class, e2.getCause());
                assertEquals("next\n", new String(p.reader().readLine().join(), StandardCharsets.US_ASCII));
                p.writer().close();
                return null;
              });
      Net.await(loop, client, "client task");
      Net.shutdown(loop, server);
    }
  }

  @BackendTest
  void readexactlyAtEofCarriesThePartialBytes(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    w.write("only-this".getBytes(StandardCharsets.US_ASCII));
                    w.close();
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Task<Void> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                CompletionException e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                        CompletionException.class, () -> p.reader().readExactly(100).join());
                IncompleteReadException incomplete = assertInstanceOf(IncompleteReadException.class, e.getCause());
                assertEquals("only-this", new String(incomplete.partial(), StandardCharsets.US_ASCII));
                assertEquals(100, incomplete.expected());
                assertTrue(p.reader().atEof());
                assertEquals(0, p.reader().read(10).join().length, "read at EOF is empty");
                p.writer().close();
                return null;
              });
      Net.await(loop, client, "client task");
      Net.shutdown(loop, server);
    }
  }

  @BackendTest
  void drainWaitsForANonReadingPeerAndHeapStaysBounded(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<StreamReader> serverReaders = new ArrayList<>();
      Future<Void> startReading = loop.createFuture();
      long[] received = {0};
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    serverReaders.add(r);
                    startReading.join(); // the slow reader: nothing is read until told
                    while (true) {
                      byte[] b = r.read(1 << 20).join();
                      if (b.length == 0) {
                        break;
                      }
                      received[0] += b.length;
                    }
                    w.close();
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      long total = 256L * 1024 * 1024;
      long[] pausedDrains = {0};
      long[] maxHeapGrowth = {0};
      Task<Void> producer =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                byte[] chunk = Net.payload(64 * 1024, 7);
                long baseline = retainedHeap();
                for (long sent = 0; sent < total; sent += chunk.length) {
                  p.writer().write(chunk);
                  Future<Void> d = p.writer().drain();
                  if (!d.isDone()) {
                    pausedDrains[0]++;
                    if (pausedDrains[0] == 1) {
                      startReading.setResult(null); // the peer starts reading only once drain waits
                    }
                  }
                  d.join();
                  if (sent % (16L * 1024 * 1024) == 0) {
                    // What is retained, not garbage awaiting collection: sampled after a GC.
                    maxHeapGrowth[0] = Math.max(maxHeapGrowth[0], retainedHeap() - baseline);
                  }
                }
                p.writer().close();
                p.writer().waitClosed().join();
                return null;
              });
      Net.await(loop, producer, "producer", Duration.ofSeconds(100));
      while (received[0] < total) {
        Net.await(loop, loop.sleep(Duration.ofMillis(10)), "server reading");
      }
      assertTrue(pausedDrains[0] > 0, "drain never had to wait");
      assertEquals(total, received[0]);
      assertTrue(
          maxHeapGrowth[0] < 64L * 1024 * 1024,
          "heap grew by " + Net.size(maxHeapGrowth[0]) + " while streaming " + Net.size(total));
      Net.shutdown(loop, server);
    }
  }

  private static long retainedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @BackendTest
  void aTaskBlockedInReadIsCancelledCleanly(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server =
          Net.await(
              loop,
              Streams.startServer(loop, (r, w) -> r.read().join(), "127.0.0.1", 0, StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      List<String> trace = new ArrayList<>();
      Task<byte[]> reader =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                try {
                  return p.reader().read(100).join(); // nobody writes
                } catch (CancellationException e) {
                  trace.add("cancelled");
                  throw e;
                } finally {
                  p.writer().close();
                }
              });
      Net.spin(loop, 5);
      reader.cancel("stop waiting");
      Throwable t = Net.awaitFailure(loop, reader, "the cancelled reader");
      assertInstanceOf(CancellationException.class, t);
      assertEquals(List.of("cancelled"), trace);
      Net.shutdown(loop, server);
    }
  }

  @BackendTest
  void aThousandConcurrentStreamConnectionsEachServedByATask(String backend) {
    long limit = Net.openFileLimit();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        limit > 2300, "1,000 connections need 2,000+ descriptors; the limit here is " + limit);
    try (EventLoop loop = Backends.open(backend)) {
      Server server = startLineEcho(loop, 64 * 1024);
      int port = Net.port(server);
      List<Task<Boolean>> clients = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        clients.add(
            loop.createTask(
                () -> {
                  StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                  byte[] line = ("client " + n + "\n").getBytes(StandardCharsets.US_ASCII);
                  p.writer().write(line);
                  boolean ok = java.util.Arrays.equals(line, p.reader().readLine().join());
                  p.writer().close();
                  p.writer().waitClosed().join();
                  return ok;
                }));
      }
      List<Boolean> results = Net.await(loop, loop.gather(clients), "1000 clients", Duration.ofSeconds(100));
      assertEquals(1000, results.stream().filter(b -> b).count());
      Net.shutdown(loop, server);
    }
  }

  @BackendTest
  void eofAndConnectionLossSurfaceOnBothSides(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> serverSaw = new ArrayList<>();
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    serverSaw.add("read " + new String(r.read().join(), StandardCharsets.US_ASCII));
                    serverSaw.add("atEof " + r.atEof());
                    w.write("bye".getBytes(StandardCharsets.US_ASCII));
                    w.close();
                    w.waitClosed().join();
                    serverSaw.add("closed");
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Task<String> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                p.writer().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertTrue(p.writer().canWriteEof());
                p.writer().writeEof(); // the server's read() sees EOF, the answer still arrives
                String answer = new String(p.reader().read().join(), StandardCharsets.US_ASCII);
                // EOF keeps the stream half-open (asyncio's rule); closing is the client's call.
                assertTrue(!p.writer().isClosing(), "EOF alone does not close the writer");
                p.writer().close();
                p.writer().waitClosed().join();
                assertTrue(p.writer().isClosing());
                String lost;
                try {
                  p.writer().drain().join();
                  lost = "nothing";
                } catch (RuntimeException e) {
                  lost = (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName();
                }
                return answer + " / drain after loss: " + lost;
              });
      String got = Net.await(loop, client, "client");
      assertEquals("bye / drain after loss: SocketException", got);
      while (serverSaw.size() < 3) {
        Net.await(loop, loop.sleep(Duration.ofMillis(5)), "server side");
      }
      assertEquals(List.of("read hello", "atEof true", "closed"), serverSaw);
      Net.shutdown(loop, server);
    }
  }

  @BackendTest
  void pythonAsyncioStreamsAgainstZloopStreams(String backend, @TempDir Path dir) throws Exception {
    String python = Requires.python3("asyncio", "zlib");
    try (EventLoop loop = Backends.open(backend)) {
      // Python as the client (asyncio.open_connection) against a zloop streams echo server.
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    while (true) {
                      byte[] b = r.read(64 * 1024).join();
                      if (b.length == 0) {
                        break;
                      }
                      w.write(b);
                      w.drain().join();
                    }
                    w.close();
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      Path clientScript = Subprocess.resource("/peers/asyncio_echo_client.py", dir);
      int size = 3 * 1024 * 1024 + 17;
      try (Subprocess py =
          Subprocess.start(
              List.of(python, clientScript.toString(), "127.0.0.1", String.valueOf(Net.port(server)), String.valueOf(size), "11"))) {
        Future<Process> exited = loop.wrap(py.onExit());
        Net.await(loop, exited, "the python client to finish", Duration.ofSeconds(90));
        String sent = py.expect("SENT ");
        String received = py.expect("RECEIVED ");
        assertEquals(sent.substring("SENT ".length()), received.substring("RECEIVED ".length()), py.output());
      }
      Net.shutdown(loop, server);

      // Python as the server (asyncio.start_server, line echo) against a zloop streams client.
      Path serverScript = Subprocess.resource("/peers/asyncio_streams_line_server.py", dir);
      try (Subprocess py = Subprocess.start(List.of(python, serverScript.toString()))) {
        int pyPort = Integer.parseInt(py.expect("PORT ").substring(5).trim());
        CRC32 crc = new CRC32();
        Task<Integer> client =
            loop.createTask(
                () -> {
                  StreamPair p =
                      Streams.openConnection(loop, "127.0.0.1", pyPort, StreamOptions.DEFAULT.withLimit(4 * 1024 * 1024)).join();
                  ByteArrayOutputStream echoed = new ByteArrayOutputStream();
                  int lines = 200;
                  for (int i = 0; i < lines; i++) {
                    byte[] line = line(1 + (i * 7919) % 200_000, i);
                    crc.update(line);
                    p.writer().write(line);
                    p.writer().drain().join();
                    echoed.writeBytes(p.reader().readLine().join());
                  }
                  p.writer().writeEof();
                  assertEquals(0, p.reader().read().join().length);
                  p.writer().close();
                  CRC32 back = new CRC32();
                  back.update(echoed.toByteArray());
                  assertEquals(crc.getValue(), back.getValue(), "echoed lines differ");
                  return lines;
                });
        int lines = Net.await(loop, client, "zloop client against python", Duration.ofSeconds(90));
        String summary = py.expect("LINES ");
        assertEquals("LINES " + lines + " " + crc.getValue(), summary.trim());
      }
    }
  }

  @BackendTest
  void readsWorkFromCallbacksToo(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = startLineEcho(loop, 64 * 1024);
      int port = Net.port(server);
      Future<StreamPair> opening = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT);
      StreamPair p = Net.await(loop, opening, "openConnection");
      p.writer().write("from a callback\n".getBytes(StandardCharsets.US_ASCII));
      byte[] line = Net.await(loop, p.reader().readLine(), "readline");
      assertEquals("from a callback\n", new String(line, StandardCharsets.US_ASCII));
      assertInstanceOf(InetSocketAddress.class, p.writer().getExtraInfo("peername"));
      p.writer().close();
      Net.await(loop, p.writer().waitClosed(), "waitClosed");
      Net.shutdown(loop, server);
    }
  }
}
