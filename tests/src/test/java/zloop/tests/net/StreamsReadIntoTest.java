package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
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

/**
 * {@link StreamReader#readInto} and {@link StreamReader#readExactlyInto} against a real peer on
 * every backend: how much lands in the caller's buffer, end of stream, the limit, cancellation;
 * and the byte[] reads that now take arriving bytes straight from the transport; and {@code drain}
 * when the writer is not paused.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class StreamsReadIntoTest {

  /** One side of the connection, run as a task; {@code go} is shared by both sides. */
  @FunctionalInterface
  interface Side {
    void run(StreamReader reader, StreamWriter writer, Future<Void> go) throws Exception;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A stream server running {@code server} for its one connection, and a client task running
   * {@code client} on a connection whose reader has {@code limit}; both close their writer after.
   */
  static void connect(String backend, int limit, Side server, Side client) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> go = loop.createFuture();
      Server s =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    try {
                      server.run(r, w, go);
                    } finally {
                      w.close();
                    }
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(s);
      Task<Void> c =
          loop.createTask(
              () -> {
                StreamPair p =
                    Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT.withLimit(limit))
                        .join();
                try {
                  client.run(p.reader(), p.writer(), go);
                } finally {
                  p.writer().close();
                }
                return null;
              });
      Net.await(loop, c, "the client's checks", Duration.ofSeconds(60));
      Net.shutdown(loop, s);
    }
  }

  /** A server that writes {@code chunks}, draining after each, then closes. */
  private static Side sends(byte[]... chunks) {
    return (r, w, go) -> {
      for (byte[] c : chunks) {
        w.write(c);
        w.drain().join();
      }
    };
  }

  private static Throwable failure(Future<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  /** Reads with readInto into {@code dst} until end of stream; checks every call's bookkeeping. */
  private static byte[] readAllInto(StreamReader r, ByteBuffer dst) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    while (true) {
      dst.clear();
      int limit = dst.limit();
      int n = r.readInto(dst).join();
      assertEquals(n, dst.position(), "the position advances by the count");
      assertEquals(limit, dst.limit(), "the limit stays");
      if (n == 0) {
        assertTrue(r.atEof(), "0 only at end of stream");
        return all.toByteArray();
      }
      dst.flip();
      byte[] got = new byte[n];
      dst.get(got);
      all.writeBytes(got);
    }
  }

  @BackendTest
  void readIntoAHeapBufferSmallerThanTheDataFillsItPieceByPiece(String backend) {
    byte[] body = Net.payload(300 * 1024 + 17, 21);
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        sends(body),
        (r, w, go) -> assertArrayEquals(body, readAllInto(r, ByteBuffer.allocate(1000))));
  }

  @BackendTest
  void readIntoADirectBufferLargerThanTheDataTakesWhatIsThere(String backend) {
    byte[][] chunks = new byte[50][];
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = Net.payload(1 + i * 37, 100 + i);
      all.writeBytes(chunks[i]);
    }
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        sends(chunks),
        (r, w, go) -> assertArrayEquals(all.toByteArray(), readAllInto(r, ByteBuffer.allocateDirect(64 * 1024))));
  }

  /** The array form fills {@code dst[off ..]} and nothing outside it. */
  @BackendTest
  void readIntoAnArrayRangeWritesOnlyThatRange(String backend) {
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        sends(ascii("abcdef")),
        (r, w, go) -> {
          byte[] dst = new byte[10];
          Arrays.fill(dst, (byte) '.');
          int got = 0;
          while (got < 4) {
            got += r.readInto(dst, 3 + got, 4 - got).join();
          }
          assertEquals("...abcd...", new String(dst, StandardCharsets.US_ASCII));
          assertArrayEquals(ascii("ef"), r.read().join(), "the rest stays buffered");
          assertThrows(IndexOutOfBoundsException.class, () -> r.readInto(dst, 8, 3));
        });
  }

  /** asyncio's read(0): nothing, at once, nothing consumed; here a buffer without room. */
  @BackendTest
  void readIntoAFullBufferIsZeroAtOnceAndConsumesNothing(String backend) {
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        sends(ascii("xyz")),
        (r, w, go) -> {
          ByteBuffer full = ByteBuffer.allocate(4).position(4);
          Future<Integer> f = r.readInto(full);
          assertTrue(f.isDone(), "no wait for a buffer without room");
          assertEquals(0, f.join());
          assertArrayEquals(ascii("xyz"), r.readExactly(3).join());
        });
  }

  @BackendTest
  void readIntoAtEndOfStreamIsZeroAndLeavesTheBufferAlone(String backend) {
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        sends(ascii("tail")),
        (r, w, go) -> {
          assertArrayEquals(ascii("tail"), readAllInto(r, ByteBuffer.allocate(3)));
          ByteBuffer dst = ByteBuffer.allocate(8).position(2);
          assertEquals(0, r.readInto(dst).join());
          assertEquals(2, dst.position());
          assertEquals(0, r.readInto(dst).join(), "and again: end of stream stays");
        });
  }

  @BackendTest
  void readIntoRefusesAReadOnlyBufferAndASecondWaitingRead(String backend) {
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        (r, w, go) -> {
          go.join();
          w.write(ascii("late"));
        },
        (r, w, go) -> {
          IllegalArgumentException e =
              assertThrows(
                  IllegalArgumentException.class, () -> r.readInto(ByteBuffer.allocate(4).asReadOnlyBuffer()));
          assertTrue(e.getMessage().contains("read-only"), e.getMessage());
          ByteBuffer dst = ByteBuffer.allocate(16);
          Future<Integer> waiting = r.readInto(dst);
          assertThrows(IllegalStateException.class, () -> r.readInto(ByteBuffer.allocate(4)));
          assertThrows(IllegalStateException.class, () -> r.readLine());
          go.setResult(null);
          int n = waiting.join();
          assertTrue(n >= 1 && n <= 4, "count " + n);
          byte[] got = Arrays.copyOf(dst.array(), 4);
          if (n < 4) {
            System.arraycopy(r.readExactly(4 - n).join(), 0, got, n, 4 - n);
          }
          assertArrayEquals(ascii("late"), got, "the waiting read was not disturbed by the refused ones");
        });
  }

  /**
   * asyncio: a cancelled read consumes nothing. A readInto cancelled (by a timeout) while it waits
   * leaves its buffer unchanged, and the bytes that arrive next go to the next read in full.
   */
  @BackendTest
  void aCancelledReadIntoLeavesItsBufferAndTheBytesForTheNextRead(String backend) {
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        (r, w, go) -> {
          go.join(); // set by the client once its read was cancelled
          w.write(ascii("0123456789"));
        },
        (r, w, go) -> {
          ByteBuffer first = ByteBuffer.allocate(16);
          EventLoop loop = zloop.EventLoops.runningLoop();
          Throwable t =
              assertThrows(
                  CompletionException.class, () -> loop.waitFor(r.readInto(first), Duration.ofMillis(20)).join());
          assertInstanceOf(TimeoutException.class, t.getCause());
          go.setResult(null);
          assertArrayEquals(ascii("0123456789"), r.readExactly(10).join(), "the cancelled read took nothing");
          assertEquals(0, first.position(), "the cancelled read's buffer is untouched");
          assertArrayEquals(new byte[16], first.array());
        });
  }

  /** The same when the task waiting in readInto is cancelled; the read after it may start at once. */
  @BackendTest
  void readIntoOfACancelledTaskLeavesTheBytes(String backend) {
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        (r, w, go) -> {
          go.join();
          w.write(ascii("abc"));
        },
        (r, w, go) -> {
          EventLoop loop = zloop.EventLoops.runningLoop();
          ByteBuffer dst = ByteBuffer.allocateDirect(8);
          Task<Integer> reader = loop.createTask(() -> r.readInto(dst).join());
          loop.sleep(Duration.ZERO).join(); // the task starts and waits
          assertFalse(reader.isDone());
          reader.cancel();
          assertThrows(CancellationException.class, reader::join);
          ByteBuffer next = ByteBuffer.allocate(8);
          Future<Integer> nextRead = r.readInto(next); // no read is left waiting
          go.setResult(null);
          int n = nextRead.join();
          assertTrue(n >= 1 && n <= 3, "count " + n);
          assertEquals(0, dst.position());
          byte[] got = Arrays.copyOf(next.array(), n);
          assertArrayEquals(Arrays.copyOf(ascii("abc"), n), got);
          if (n < 3) {
            assertArrayEquals(Arrays.copyOfRange(ascii("abc"), n, 3), r.readExactly(3 - n).join());
          }
        });
  }

  @BackendTest
  void readExactlyIntoFillsTheBufferFromManySmallWrites(String backend) {
    byte[] all = Net.payload(20_000, 31);
    byte[][] chunks = new byte[40][];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = Arrays.copyOfRange(all, i * 500, (i + 1) * 500);
    }
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        sends(chunks),
        (r, w, go) -> {
          ByteBuffer dst = ByteBuffer.allocate(12_000).position(1000).limit(11_000);
          assertEquals(10_000, r.readExactlyInto(dst).join());
          assertEquals(11_000, dst.position());
          assertArrayEquals(Arrays.copyOf(all, 10_000), Arrays.copyOfRange(dst.array(), 1000, 11_000));
          assertArrayEquals(new byte[1000], Arrays.copyOf(dst.array(), 1000), "nothing before the position");
          ByteBuffer rest = ByteBuffer.allocateDirect(10_000);
          assertEquals(10_000, r.readExactlyInto(rest).join());
          byte[] got = new byte[10_000];
          rest.flip().get(got);
          assertArrayEquals(Arrays.copyOfRange(all, 10_000, 20_000), got);
        });
  }

  /**
   * asyncio's readexactly past the limit never overruns: readExactlyInto of a hundred times a
   * small limit resumes the paused transport and completes.
   */
  @BackendTest
  void readExactlyIntoOfAHundredTimesTheLimit(String backend) {
    byte[] body = Net.payload(100 * 1000, 32);
    connect(
        backend,
        1000,
        sends(body),
        (r, w, go) -> {
          ByteBuffer dst = ByteBuffer.allocateDirect(body.length);
          assertEquals(body.length, r.readExactlyInto(dst).join());
          byte[] got = new byte[body.length];
          dst.flip().get(got);
          assertArrayEquals(body, got);
          assertEquals(0, r.readInto(ByteBuffer.allocate(1)).join());
        });
  }

  /**
   * asyncio's IncompleteReadError: the stream ends mid-buffer; the exception carries the bytes
   * that came (consumed) and the count wanted; the caller's buffer is left unchanged.
   */
  @BackendTest
  void readExactlyIntoAtEndOfStreamMidBufferCarriesThePartialBytes(String backend) {
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        sends(ascii("12345")),
        (r, w, go) -> {
          ByteBuffer dst = ByteBuffer.allocate(10);
          IncompleteReadException e = assertInstanceOf(IncompleteReadException.class, failure(r.readExactlyInto(dst)));
          assertArrayEquals(ascii("12345"), e.partial());
          assertEquals(10, e.expected());
          assertEquals(0, dst.position());
          assertArrayEquals(new byte[10], dst.array());
          assertTrue(r.atEof());
          assertEquals(0, r.readExactlyInto(ByteBuffer.allocate(0)).join(), "zero bytes: done at once");
        });
  }

  /**
   * asyncio's LimitOverrunError leaves the data buffered (test_streams.py's
   * test_readuntil_limit_found_sep): readInto then takes it, and the separator after it.
   */
  @BackendTest
  void readIntoTakesWhatAnOverrunReaduntilLeft(String backend) {
    connect(
        backend,
        8,
        sends(ascii("0123456789abcdef!rest")),
        (r, w, go) -> {
          Throwable t = failure(r.readUntil(ascii("!")));
          assertInstanceOf(LimitOverrunException.class, t);
          ByteBuffer dst = ByteBuffer.allocate(17);
          assertEquals(17, r.readExactlyInto(dst).join());
          assertEquals("0123456789abcdef!", new String(dst.array(), StandardCharsets.US_ASCII));
          assertArrayEquals(ascii("rest"), r.read().join());
        });
  }

  /**
   * The byte[] reads take arriving bytes straight from the transport when nothing is buffered:
   * read(n) smaller than what arrives leaves the rest buffered, readExactly larger than one
   * arrival gathers several, in order.
   */
  @BackendTest
  void byteArrayReadsMixedWithReadIntoKeepTheOrder(String backend) {
    byte[] body = Net.payload(200_000, 33);
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        sends(body),
        (r, w, go) -> {
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          ByteBuffer dst = ByteBuffer.allocateDirect(777);
          for (int i = 0; ; i++) {
            byte[] got;
            switch (i % 3) {
              case 0 -> got = r.read(1000).join();
              case 1 -> {
                dst.clear();
                int n = r.readInto(dst).join();
                got = new byte[n];
                dst.flip().get(got);
              }
              default -> {
                try {
                  got = r.readExactly(5000).join();
                } catch (CompletionException e) {
                  got = ((IncompleteReadException) e.getCause()).partial();
                }
              }
            }
            if (got.length == 0 && r.atEof()) {
              break;
            }
            all.writeBytes(got);
          }
          assertArrayEquals(body, all.toByteArray());
        });
  }

  /**
   * drain() while writing is not paused is done at once (no suspension); once the peer stops
   * reading it waits, and it completes when the peer reads again. Every byte arrives.
   */
  @BackendTest
  void drainIsDoneAtOnceUntilThePeerStopsReading(String backend) {
    long[] received = {0};
    long[] sent = {0};
    connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        (r, w, go) -> {
          go.join(); // the client saw a drain wait
          ByteBuffer dst = ByteBuffer.allocateDirect(64 * 1024);
          int n;
          while ((n = r.readInto(dst.clear()).join()) > 0) {
            received[0] += n;
          }
        },
        (r, w, go) -> {
          w.write(ascii("hi"));
          sent[0] += 2;
          Future<Void> d = w.drain();
          assertTrue(d.isDone(), "not paused: done at once");
          d.join();
          byte[] chunk = Net.payload(64 * 1024, 34);
          Future<Void> waiting = null;
          for (int i = 0; i < 4096 && waiting == null; i++) {
            w.write(chunk);
            sent[0] += chunk.length;
            Future<Void> f = w.drain();
            if (!f.isDone()) {
              waiting = f;
            }
          }
          assertTrue(waiting != null, "the peer does not read, yet drain never waited");
          go.setResult(null);
          waiting.join();
          w.writeEof();
          assertEquals(0, r.read().join().length, "the server closes once it read everything");
        });
    assertEquals(sent[0], received[0]);
  }
}
