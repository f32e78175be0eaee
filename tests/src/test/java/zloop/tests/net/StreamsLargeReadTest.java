package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.IncompleteReadException;
import zloop.LimitOverrunException;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.StreamReader;
import zloop.Streams;
import zloop.Task;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * StreamReader reads against a real peer on every backend: readexactly far past the reader's
 * limit (the pause/resume deadlock), and the buffer rules ported from test_streams.py.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class StreamsLargeReadTest {

  /** What the client task checks, given the reader the peer's bytes arrive on. */
  @FunctionalInterface
  interface Check {
    void run(StreamReader reader) throws Exception;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A server that writes {@code chunks} (draining after each, so they arrive as separate feeds
   * when the reader is slower) and then closes; the client reads with {@code limit}.
   */
  private static void withPeer(String backend, int limit, Check check, byte[]... chunks) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    for (byte[] c : chunks) {
                      w.write(c);
                      w.drain().join();
                    }
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
                StreamPair p =
                    Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT.withLimit(limit)).join();
                try {
                  check.run(p.reader());
                } finally {
                  p.writer().close();
                }
                return null;
              });
      Net.await(loop, client, "the client's checks", Duration.ofSeconds(20));
      Net.shutdown(loop, server);
    }
  }

  private static Throwable failure(Runnable r) {
    CompletionException e = assertThrows(CompletionException.class, r::run);
    return e.getCause();
  }

  /**
   * The reader paused its transport above 2 x limit and readexactly resumed it only at or below
   * the limit: readExactly(n) for n > 2 x limit waited for ever. Now a waiting read resumes
   * reading (asyncio's _wait_for_data).
   */
  @BackendTest
  void readexactlyOfMoreThanTwiceTheDefaultLimit(String backend) {
    byte[] body = Net.payload(1024 * 1024, 11); // 1 MiB: 16 x the default 64 KiB limit
    withPeer(
        backend,
        StreamOptions.DEFAULT.limit(),
        r -> {
          assertArrayEquals(body, r.readExactly(body.length).join());
          assertEquals(0, r.read().join().length);
        },
        body);
  }

  /** The same with a tiny limit and the bytes in many small writes. */
  @BackendTest
  void readexactlyOfAHundredTimesTheLimitFromManyWrites(String backend) {
    byte[] all = Net.payload(100 * 1000, 12);
    byte[][] chunks = new byte[100][];
    for (int i = 0; i < 100; i++) {
      chunks[i] = java.util.Arrays.copyOfRange(all, i * 1000, (i + 1) * 1000);
    }
    withPeer(
        backend,
        1000,
        r -> {
          assertArrayEquals(java.util.Arrays.copyOf(all, 50_000), r.readExactly(50_000).join());
          assertArrayEquals(java.util.Arrays.copyOfRange(all, 50_000, 100_000), r.readExactly(50_000).join());
        },
        chunks);
  }

  @BackendTest
  void readexactlyZeroIsEmptyAndNegativeIsRejected(String backend) {
    withPeer(
        backend,
        StreamOptions.DEFAULT.limit(),
        r -> {
          assertEquals(0, r.readExactly(0).join().length);
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.readExactly(-1));
          assertTrue(e.getMessage().contains("less than zero"), e.getMessage());
          assertArrayEquals(ascii("line1\nline2\n"), r.readExactly(12).join(), "nothing was consumed");
        },
        ascii("line1\nline2\n"));
  }

  @BackendTest
  void readexactlyAtEofFailsWithThePartialAndTheExpectedCount(String backend) {
    withPeer(
        backend,
        StreamOptions.DEFAULT.limit(),
        r -> {
          IncompleteReadException e =
              assertInstanceOf(IncompleteReadException.class, failure(() -> r.readExactly(36).join()));
          assertArrayEquals(ascii("line1\nline2\nline3\n"), e.partial());
          assertEquals(36, e.expected());
          assertTrue(r.atEof(), "the buffer was emptied into the exception");
        },
        ascii("line1\nline2\nline3\n"));
  }

  @BackendTest
  void readuntilAMultiByteSeparatorSplitAcrossWrites(String backend) {
    withPeer(
        backend,
        StreamOptions.DEFAULT.limit(),
        r -> {
          assertArrayEquals(ascii("QWEaaXYaaa"), r.readUntil(ascii("aaa")).join());
          assertArrayEquals(ascii("XXXaaa"), r.readUntil(ascii("aaa")).join());
          assertArrayEquals(ascii("lineAAA"), r.readUntil(ascii("AAA")).join());
          assertArrayEquals(ascii("xxx"), r.read().join(), "what followed the separator stays");
        },
        ascii("QWEaa"),
        ascii("XYa"),
        ascii("aa"),
        ascii("XXX"),
        ascii("a"),
        ascii("a"),
        ascii("a"),
        ascii("lineAAAxxx"));
  }

  @BackendTest
  void readuntilAnEmptySeparatorIsRejected(String backend) {
    withPeer(
        backend,
        StreamOptions.DEFAULT.limit(),
        r -> {
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> r.readUntil(new byte[0]));
          assertTrue(e.getMessage().contains("Separator should be"), e.getMessage());
        },
        ascii("x"));
  }

  @BackendTest
  void readuntilAtEofFailsWithThePartialAndNoExpectedCount(String backend) {
    withPeer(
        backend,
        StreamOptions.DEFAULT.limit(),
        r -> {
          IncompleteReadException e =
              assertInstanceOf(IncompleteReadException.class, failure(() -> r.readUntil(ascii("AAA")).join()));
          assertArrayEquals(ascii("some dataAA"), e.partial());
          assertEquals(-1, e.expected(), "asyncio's None: no count was expected");
          assertTrue(r.atEof());
        },
        ascii("some dataAA"));
  }

  /** test_readuntil_limit_found_sep: both overrun messages, and the data stays buffered. */
  @BackendTest
  void readuntilOverTheLimitKeepsTheDataBuffered(String backend) {
    withPeer(
        backend,
        3,
        r -> {
          r.readExactly(1).join(); // 's': wait for the data without consuming the rest
          LimitOverrunException notFound =
              assertInstanceOf(LimitOverrunException.class, failure(() -> r.readUntil(ascii("zzz")).join()));
          assertTrue(notFound.getMessage().contains("not found"), notFound.getMessage());
          LimitOverrunException found =
              assertInstanceOf(LimitOverrunException.class, failure(() -> r.readUntil(ascii("AA")).join()));
          assertTrue(found.getMessage().contains("is found"), found.getMessage());
          assertArrayEquals(ascii("ome dataAA"), r.readExactly(10).join(), "nothing was consumed");
        },
        ascii("some dataAA"));
  }

  /** test_readline_limit: an over-long line is dropped through its newline, the next one read. */
  @BackendTest
  void readlineOverTheLimitDropsTheLineAndGoesOn(String backend) {
    withPeer(
        backend,
        7,
        r -> {
          assertInstanceOf(LimitOverrunException.class, failure(() -> r.readLine().join()));
          assertArrayEquals(ascii("chunk3\n"), r.readLine().join());
          assertArrayEquals(ascii("1234567\n"), r.readLine().join(), "a line of exactly the limit");
        },
        ascii("chunk1chunk2\nchunk3\n1234567\n"));
  }

  @BackendTest
  void readlineAtEofReturnsThePartialLineThenEmpty(String backend) {
    withPeer(
        backend,
        StreamOptions.DEFAULT.limit(),
        r -> {
          assertArrayEquals(ascii("some data\n"), r.readLine().join());
          assertFalse(r.atEof());
          assertArrayEquals(ascii("some data"), r.readLine().join());
          assertTrue(r.atEof());
          assertEquals(0, r.readLine().join().length);
        },
        ascii("some data\nsome data"));
  }

  @BackendTest
  void readZeroIsEmptyAndReadAllStopsAtEof(String backend) {
    withPeer(
        backend,
        StreamOptions.DEFAULT.limit(),
        r -> {
          assertEquals(0, r.read(0).join().length);
          assertArrayEquals(ascii("line2\nl"), skipLineThenRead(r, 7));
          assertArrayEquals(ascii("ine3\nchunk1\nchunk2"), r.read(-1).join());
          assertEquals(0, r.read(1024).join().length, "read at EOF is empty");
          assertNull(r.exception());
        },
        ascii("line1\nline2\nline3\n"),
        ascii("chunk1\n"),
        ascii("chunk2"));
  }

  private static byte[] skipLineThenRead(StreamReader r, int n) {
    assertArrayEquals(ascii("line1\n"), r.readLine().join());
    return r.readExactly(n).join();
  }
}
