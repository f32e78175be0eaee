package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;
import static zloop.tests.net.Net.size;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Protocol;
import zloop.Server;
import zloop.Transport;
import zloop.WriteBufferLimits;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** Write-side flow control (watermarks) and read-side pause/resume. */
@Timeout(300)
@ExtendWith(FdLeakCheck.class)
class FlowControlTest {
  private static final long HIGH = 256 * 1024;
  private static final long LOW = 64 * 1024;
  private static final int CHUNK = 64 * 1024;
  private static final long TOTAL = 1L << 30;
  /** The reader stops after this many bytes, until the writer has been paused. */
  private static final long READ_BURST = 4 << 20;
  /** Generous: the transport's buffer is a few hundred KiB; unbounded buffering would be 1 GiB. */
  private static final long MEMORY_BOUND = 256L << 20;

  /**
   * Streams 1 GiB from a producer that writes only while not paused to a reader that stops
   * reading after every 4 MiB and starts again once the producer has been paused (or on the next
   * turn, if it already was). So the writer's buffer keeps going over the high watermark
   * (pauseWriting) and, once the reader drains the socket, down to the low one (resumeWriting).
   * Memory (heap after a full GC, plus
   * direct buffers) is sampled along the way and must stay within a bound far below 1 GiB.
   */
  @BackendTest
  void aSlowReaderPausesTheWriterAndMemoryStaysBounded(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<SlowReader> readers = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    SlowReader r = new SlowReader(loop);
                    readers.add(r);
                    return r;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        long baseline = memoryInUse();
        Producer producer = new Producer(loop, baseline);
        Connection<Producer> c =
            await(loop, loop.createConnection(() -> producer, "127.0.0.1", port(server)), "connect");
        SlowReader reader = Net.serverSide(loop, readers, c.transport());
        producer.onPause = () -> loop.callSoon(reader::resume);
        reader.writerPaused = () -> producer.paused;
        producer.onDone = () -> {
          reader.writerDone = true;
          reader.resume();
        };
        producer.produce();

        await(loop, reader.lost, "the reader's connectionLost after the whole stream", java.time.Duration.ofMinutes(4));
        assertNull(await(loop, producer.lost, "the producer's connectionLost"));

        assertEquals(List.of(), producer.violations, "flow-control protocol violations (writer)");
        assertEquals(List.of(), reader.violations, "pause-reading violations (reader)");
        assertEquals(TOTAL, producer.sent);
        assertEquals(TOTAL, reader.received, "bytes that arrived");
        assertEquals(producer.crc.getValue(), reader.crc.getValue(), "CRC32 of the stream");
        assertTrue(producer.pauses >= 2, "pauseWriting calls: " + producer.pauses);
        assertEquals(producer.pauses, producer.resumes, "every pauseWriting is followed by a resumeWriting");
        assertTrue(
            producer.maxBuffered <= HIGH + CHUNK,
            "a producer that stops at pauseWriting never has more than high + one write buffered: "
                + producer.maxBuffered);
        assertTrue(
            producer.peakMemory - baseline < MEMORY_BOUND,
            "memory in use (heap after GC + direct) grew by "
                + size(producer.peakMemory - baseline)
                + " while 1 GiB streamed through; samples: "
                + producer.samples);
        assertTrue(reader.readPauses > 0, "the reader paused: " + reader.readPauses);
        assertEquals(WriteLimits.of(HIGH, LOW), WriteLimits.of(c.transport()));
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** Writes TOTAL bytes while not paused; checks the watermark contract as it goes. */
  private static final class Producer implements Protocol {
    final EventLoop loop;
    final Future<Throwable> lost;
    final ByteBuffer block = ByteBuffer.wrap(Net.payload(1 << 20, 42));
    final CRC32 crc = new CRC32();
    final List<String> violations = new ArrayList<>();
    final List<String> samples = new ArrayList<>();
    final long baseline;
    Transport transport;
    Runnable onPause = () -> {};
    Runnable onDone = () -> {};
    long sent;
    long nextSample;
    long peakMemory;
    long maxBuffered;
    int pauses;
    int resumes;
    boolean paused;
    boolean producing;
    boolean done;

    Producer(EventLoop loop, long baseline) {
      this.loop = loop;
      this.lost = loop.createFuture();
      this.baseline = baseline;
      this.peakMemory = baseline;
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
      t.setWriteBufferLimits(WriteBufferLimits.of(HIGH, LOW));
    }

    void produce() {
      if (producing) {
        return; // resumeWriting from inside our own write: the outer loop goes on
      }
      producing = true;
      try {
        while (!paused && sent < TOTAL && !transport.isClosing()) {
          int off = (int) (sent % block.capacity());
          ByteBuffer b = block.slice(off, CHUNK);
          crc.update(b.duplicate());
          transport.write(b);
          if (b.hasRemaining()) {
            violations.add("write() left " + b.remaining() + " bytes in the caller's buffer");
          }
          sent += CHUNK;
          maxBuffered = Math.max(maxBuffered, transport.getWriteBufferSize());
          if (sent >= nextSample) {
            nextSample += 128L << 20;
            long m = memoryInUse();
            samples.add(size(sent) + ": +" + size(Math.max(0, m - baseline)));
            peakMemory = Math.max(peakMemory, m);
          }
        }
      } finally {
        producing = false;
      }
      if (sent == TOTAL && !done) {
        done = true;
        onDone.run();
        transport.close(); // flushes the rest, then closes
      }
    }

    @Override
    public void pauseWriting() {
      if (paused) {
        violations.add("pauseWriting while already paused");
      }
      long buffered = transport.getWriteBufferSize();
      if (buffered <= HIGH) {
        violations.add("pauseWriting with " + buffered + " bytes buffered (high watermark " + HIGH + ")");
      }
      paused = true;
      pauses++;
      onPause.run();
    }

    @Override
    public void resumeWriting() {
      if (!paused) {
        violations.add("resumeWriting while not paused");
      }
      long buffered = transport.getWriteBufferSize();
      if (buffered > LOW) {
        violations.add("resumeWriting with " + buffered + " bytes buffered (low watermark " + LOW + ")");
      }
      paused = false;
      resumes++;
      loop.callSoon(this::produce);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      violations.add("unexpected data");
    }

    @Override
    public void connectionLost(Throwable exception) {
      if (!lost.isDone()) {
        lost.setResult(exception);
      }
    }
  }

  /** Reads a burst, pauses reading, and resumes only when told (once the writer is paused). */
  private static final class SlowReader extends Recorder.Plain {
    final List<String> violations = new ArrayList<>();
    /** {@link #received} when reading last resumed. */
    long mark;
    boolean readingPaused;
    boolean writerDone;
    java.util.function.BooleanSupplier writerPaused = () -> false;
    int readPauses;

    SlowReader(EventLoop loop) {
      super(loop);
      keepLimit = 0;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      if (readingPaused) {
        violations.add("dataReceived while reading is paused (" + data.remaining() + " bytes)");
      }
      super.dataReceived(data);
      long sinceResume = received - mark;
      if (!writerDone && sinceResume >= READ_BURST) {
        transport.pauseReading();
        readingPaused = true;
        readPauses++;
        if (transport.isReading()) {
          violations.add("isReading() is true after pauseReading()");
        }
        if (writerPaused.getAsBoolean()) {
          // The writer already waits for us to drain: a break of one turn, or both would wait.
          loop.callSoon(this::resume);
        }
        // Otherwise the writer fills its buffer, pauses, and its pauseWriting resumes us.
      }
    }

    void resume() {
      if (readingPaused) {
        readingPaused = false;
        mark = received;
        transport.resumeReading();
      }
    }
  }

  /** Heap in use after a full GC, plus direct buffer memory: what the process really holds. */
  static long memoryInUse() {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      direct += pool.getMemoryUsed();
    }
    return heap + direct;
  }

  /** Watermarks as a comparable value. */
  private record WriteLimits(long high, long low) {
    static WriteLimits of(long high, long low) {
      return new WriteLimits(high, low);
    }

    static WriteLimits of(Transport t) {
      return new WriteLimits(t.getWriteBufferLimits().high(), t.getWriteBufferLimits().low());
    }
  }

  // ------------------------------------------------------------------ read side

  /**
   * pauseReading stops dataReceived (and eofReceived) and resumeReading restarts it. "Stops" is
   * shown by events, not by waiting: after the held-back bytes are in the kernel, a second
   * connection's bytes are delivered (so the loop did poll), and still nothing arrives on the
   * paused one.
   */
  @BackendTest
  void pauseReadingStopsDeliveryAndResumeReadingRestartsIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Plain p = new Recorder.Plain(loop);
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        byte[] held = "held back while paused".getBytes(StandardCharsets.US_ASCII);
        byte[] canary = "canary".getBytes(StandardCharsets.US_ASCII);

        Recorder.Plain a = new Recorder.Plain(loop);
        Connection<Recorder.Plain> ca =
            await(loop, loop.createConnection(() -> a, "127.0.0.1", port(server)), "connect A");
        Recorder.Plain serverA = Net.serverSide(loop, accepted, ca.transport());
        serverA.transport.pauseReading();
        serverA.transport.pauseReading(); // idempotent
        assertFalse(serverA.transport.isReading(), "isReading() after pauseReading()");
        ca.transport().write(held);
        ca.transport().writeEof();

        Recorder.Plain b = new Recorder.Plain(loop);
        Connection<Recorder.Plain> cb =
            await(loop, loop.createConnection(() -> b, "127.0.0.1", port(server)), "connect B");
        Recorder.Plain serverB = Net.serverSide(loop, accepted, cb.transport());
        serverB.expect(canary.length);
        cb.transport().write(canary);
        await(loop, serverB.gotAll, "the canary on connection B (the loop polls meanwhile)");
        Net.spin(loop, 5);

        assertEquals(0, serverA.dataCalls, "dataReceived calls while paused");
        assertEquals(0, serverA.eofCalls, "eofReceived while paused: the EOF is behind the held-back data");
        assertFalse(serverA.transport.isClosing());

        serverA.expect(held.length);
        serverA.transport.resumeReading();
        serverA.transport.resumeReading(); // idempotent
        assertTrue(serverA.transport.isReading(), "isReading() after resumeReading()");
        await(loop, serverA.gotAll, "the held-back bytes after resumeReading()");
        await(loop, serverA.eof, "the EOF after the held-back bytes");
        assertArrayEquals(held, serverA.bytes());
        assertEquals(List.of("made", "data", "eof", "lost"), waitLost(loop, serverA).events);

        cb.transport().close();
        await(loop, b.lost, "B's connectionLost");
        await(loop, a.lost, "A's connectionLost (the server closed after the EOF)");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** Pausing inside dataReceived holds back the next message until resumeReading. */
  @BackendTest
  void pauseReadingInsideDataReceivedHoldsTheNextMessage(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Plain p =
                        new Recorder.Plain(loop) {
                          @Override
                          public void dataReceived(ByteBuffer data) {
                            super.dataReceived(data);
                            transport.pauseReading();
                          }
                        };
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        byte[] first = "first".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "second".getBytes(StandardCharsets.US_ASCII);
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        c.transport().write(first);
        Recorder.Plain srv = Net.serverSide(loop, accepted, c.transport());
        srv.expect(first.length);
        await(loop, srv.gotAll, "the first message");
        assertFalse(srv.transport.isReading());

        c.transport().write(second);
        // A canary round trip on the same loop: a second connection proves the loop polled.
        Recorder.Plain canary = new Recorder.Plain(loop);
        Connection<Recorder.Plain> cc =
            await(loop, loop.createConnection(() -> canary, "127.0.0.1", port(server)), "connect canary");
        cc.transport().write(new byte[] {1});
        Recorder.Plain srvCanary = Net.serverSide(loop, accepted, cc.transport());
        srvCanary.expect(1);
        await(loop, srvCanary.gotAll, "the canary byte");
        Net.spin(loop, 5);
        assertArrayEquals(first, srv.bytes(), "only the first message while paused");

        Future<Long> both = srv.receivedAtLeast(first.length + second.length);
        srv.transport.resumeReading();
        await(loop, both, "the second message after resumeReading()");
        assertEquals("firstsecond", new String(srv.bytes(), StandardCharsets.US_ASCII));
        c.transport().close();
        cc.transport().close();
        await(loop, client.lost, "client connectionLost");
        await(loop, canary.lost, "canary connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  private static Recorder waitLost(EventLoop loop, Recorder r) {
    await(loop, r.lost, "connectionLost");
    return r;
  }
}
