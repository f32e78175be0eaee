package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.BufferedProtocol;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Protocol;
import zloop.ReadingFollowsWriting;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * {@link ReadingFollowsWriting}: an echo whose client does not read stops reading once its
 * transport pauses its writing, so its write buffer stays at the high watermark plus one read; it
 * reads again once the client reads, and the echo is exact.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class ReadingFollowsWritingTest {
  private static final int TOTAL = 8 << 20;

  /** The server side: an echo that records how big its write buffer got, and what it saw while paused. */
  private abstract static class Recording implements ReadingFollowsWriting {
    final Future<Void> paused;
    Transport transport;
    long maxWriteBuffer;
    long biggestRead;
    int readsWhilePaused;
    int pauses;

    Recording(EventLoop loop) {
      paused = loop.createFuture();
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public Transport transport() {
      return transport;
    }

    @Override
    public void pauseWriting() {
      pauses++;
      ReadingFollowsWriting.super.pauseWriting();
      if (!paused.isDone()) {
        paused.setResult(null);
      }
    }

    void echo(ByteBuffer data) {
      if (!transport.isReading()) {
        readsWhilePaused++;
      }
      biggestRead = Math.max(biggestRead, data.remaining());
      transport.write(data);
      maxWriteBuffer = Math.max(maxWriteBuffer, transport.getWriteBufferSize());
    }
  }

  private static final class PlainEcho extends Recording implements Protocol {
    PlainEcho(EventLoop loop) {
      super(loop);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      echo(data);
    }
  }

  private static final class BufferedEcho extends Recording implements BufferedProtocol {
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    BufferedEcho(EventLoop loop) {
      super(loop);
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
      return buffer.clear();
    }

    @Override
    public void bufferUpdated(int n) {
      echo(buffer.limit(n).position(0));
    }
  }

  /** The client: writes everything at once, reads nothing until told, then checks the echo. */
  private static final class Pusher implements Protocol {
    final Future<Void> done;
    final CRC32 got = new CRC32();
    long received;
    Transport transport;

    Pusher(EventLoop loop) {
      done = loop.createFuture();
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
      t.pauseReading();
      t.write(ByteBuffer.wrap(Net.payload(TOTAL, 5)));
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      received += data.remaining();
      got.update(data);
      if (received >= TOTAL && !done.isDone()) {
        done.setResult(null);
      }
    }
  }

  @BackendTest
  void aProtocolStopsReadingWhileItsWritingIsPaused(String backend) {
    run(backend, false);
  }

  @BackendTest
  void aBufferedProtocolStopsReadingWhileItsWritingIsPaused(String backend) {
    run(backend, true);
  }

  private static void run(String backend, boolean buffered) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recording> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recording r = buffered ? new BufferedEcho(loop) : new PlainEcho(loop);
                    accepted.add(r);
                    return (zloop.BaseProtocol) r;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Pusher pusher = new Pusher(loop);
        Connection<Pusher> c =
            await(loop, loop.createConnection(() -> pusher, "127.0.0.1", port(server)), "connect");
        await(loop, loop.sleep(java.time.Duration.ZERO), "one turn");
        Recording echo = accepted.get(0);
        await(loop, echo.paused, "the echo's writing paused");
        // Let the connection run a while with the client not reading: an echo that kept reading
        // would fill its write buffer far past the watermark meanwhile. (Whether it is paused at
        // any given moment depends on how much the kernel took, so that is not asserted.)
        Net.spin(loop, 50);

        c.transport().resumeReading();
        await(loop, pusher.done, "the whole echo");
        assertEquals(TOTAL, pusher.received, "bytes echoed");
        assertEquals(Net.crc(Net.payload(TOTAL, 5)), pusher.got.getValue(), "CRC32 of the echo");
        assertTrue(echo.pauses >= 1, "pauseWriting was called");
        assertEquals(0, echo.readsWhilePaused, "data delivered while reading was paused");
        long high = echo.transport.getWriteBufferLimits().high();
        assertTrue(
            echo.maxWriteBuffer <= high + echo.biggestRead,
            "the echo's write buffer reached " + echo.maxWriteBuffer + " bytes; the high watermark is " + high
                + " and the biggest read " + echo.biggestRead);
        c.transport().close();
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
