package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Future;
import zloop.StreamOptions;
import zloop.StreamReader;
import zloop.StreamWriter;
import zloop.Task;
import zloop.tests.BackendTest;

/**
 * A {@code readInto} that waits with nothing buffered before it: on a backend that reads only when
 * asked (epoll, kqueue, nio) the kernel reads straight into the caller's buffer; on io_uring the
 * bytes are copied from the ring's buffer. Either way, on every backend: the bytes land between the
 * buffer's position and limit and nowhere else, in order with what the next reads buffer, up to
 * the end of the stream, and a cancelled read's buffer is never written.
 *
 * <p>Each reply is requested only after the read waits (the client writes a request byte, the
 * server answers it), so every reply reaches a waiting read with an empty reader buffer.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class StreamsDirectReadTest {
  private static final byte UNTOUCHED = (byte) 0x5A;

  @FunctionalInterface
  interface ClientSide {
    void run(StreamReader reader, StreamWriter writer) throws Exception;
  }

  /**
   * A server that answers each request byte with the next of {@code replies} (and closes after the
   * last), and a client task running {@code client} ({@link StreamsReadIntoTest#connect}).
   */
  private static void exchange(String backend, byte[][] replies, ClientSide client) {
    StreamsReadIntoTest.connect(
        backend,
        StreamOptions.DEFAULT.limit(),
        (r, w, go) -> {
          for (byte[] reply : replies) {
            r.readExactly(1).join();
            w.write(reply);
            w.drain().join();
          }
        },
        (r, w, go) -> client.run(r, w));
  }

  private static void request(StreamWriter w) {
    w.write(new byte[] {'?'});
  }

  /** A buffer of {@code capacity} bytes all {@link #UNTOUCHED}, its window at [from, to). */
  private static ByteBuffer window(ByteBuffer b, int from, int to) {
    b.clear();
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, UNTOUCHED);
    }
    return b.position(from).limit(to);
  }

  /** Checks that only [from, from + n) may differ from {@link #UNTOUCHED}; returns those bytes. */
  private static byte[] landed(ByteBuffer dst, int from, int n) {
    ByteBuffer b = dst.duplicate().clear(); // absolute gets up to the capacity
    for (int i = 0; i < b.capacity(); i++) {
      if (i < from || i >= from + n) {
        assertEquals(UNTOUCHED, b.get(i), "byte " + i + " is outside the read's window");
      }
    }
    byte[] got = new byte[n];
    b.get(from, got);
    return got;
  }

  private static void bytesInWindowOnly(String backend, ByteBuffer dst) {
    int from = 100;
    int room = 4096;
    byte[][] replies = {
      Net.payload(1, 1), Net.payload(1000, 2), Net.payload(room, 3), Net.payload(3 * room + 5, 4)
    };
    exchange(
        backend,
        replies,
        (r, w) -> {
          for (byte[] reply : replies) {
            Future<Integer> f = r.readInto(window(dst, from, from + room));
            assertFalse(f.isDone(), "nothing is buffered: the read waits");
            request(w);
            int n = f.join();
            assertTrue(n >= 1 && n <= Math.min(room, reply.length), "count " + n);
            assertEquals(from + n, dst.position(), "the position advances by the count");
            assertEquals(from + room, dst.limit(), "the limit stays");
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(landed(dst, from, n));
            // The rest of a reply larger than the window comes buffered, after these bytes.
            all.writeBytes(r.readExactly(reply.length - n).join());
            assertArrayEquals(reply, all.toByteArray());
          }
          assertEquals(0, r.readInto(ByteBuffer.allocateDirect(8)).join(), "then end of stream");
        });
  }

  @BackendTest
  void aWaitingReadIntoADirectBufferFillsOnlyItsWindowInOrder(String backend) {
    bytesInWindowOnly(backend, ByteBuffer.allocateDirect(8192));
  }

  /** A heap buffer that is a slice of a larger array: the bytes land at its array offset. */
  @BackendTest
  void aWaitingReadIntoASlicedHeapBufferFillsOnlyItsWindow(String backend) {
    byte[] array = new byte[8192 + 300];
    Arrays.fill(array, UNTOUCHED);
    bytesInWindowOnly(backend, ByteBuffer.wrap(array).position(300).slice());
    for (int i = 0; i < 300; i++) {
      assertEquals(UNTOUCHED, array[i], "byte " + i + " before the slice");
    }
  }

  /** The reply and the end of the stream arrive together: the read gets the bytes, then 0. */
  @BackendTest
  void aWaitingReadIntoGetsTheLastBytesThenTheEnd(String backend) {
    byte[] last = "last".getBytes(StandardCharsets.US_ASCII);
    exchange(
        backend,
        new byte[][] {last},
        (r, w) -> {
          ByteBuffer dst = window(ByteBuffer.allocateDirect(64), 0, 64);
          Future<Integer> f = r.readInto(dst);
          request(w);
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          for (int n = f.join(); n > 0; n = r.readInto(window(dst, 0, 64)).join()) {
            all.writeBytes(landed(dst, 0, n));
          }
          assertArrayEquals(last, all.toByteArray());
          assertTrue(r.atEof());
          assertEquals(0, r.readInto(dst.clear()).join(), "end of stream stays");
        });
  }

  /**
   * A readInto cancelled while it waits gives its buffer back for good: the reply requested after
   * the cancel goes to the next read, and the cancelled read's buffer stays untouched.
   */
  @BackendTest
  void aCancelledWaitingReadIntoIsNeverWrittenAndTheNextReadGetsTheBytes(String backend) {
    byte[] reply = Net.payload(20_000, 5);
    exchange(
        backend,
        new byte[][] {reply},
        (r, w) -> {
          EventLoop loop = zloop.EventLoops.runningLoop();
          ByteBuffer cancelled = window(ByteBuffer.allocateDirect(32 * 1024), 0, 32 * 1024);
          Task<Integer> waiting = loop.createTask(() -> r.readInto(cancelled).join());
          loop.sleep(Duration.ZERO).join(); // the task starts and waits
          assertFalse(waiting.isDone());
          waiting.cancel();
          assertThrows(CancellationException.class, waiting::join);
          ByteBuffer next = ByteBuffer.allocateDirect(32 * 1024);
          Future<Integer> f = r.readInto(next);
          request(w);
          int n = f.join();
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          byte[] first = new byte[n];
          next.flip().get(first);
          all.writeBytes(first);
          all.writeBytes(r.readExactly(reply.length - n).join());
          assertArrayEquals(reply, all.toByteArray());
          assertEquals(0, r.readInto(next.clear()).join());
          assertEquals(0, cancelled.position());
          landed(cancelled, 0, 0); // every byte still untouched
        });
  }
}
