package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Future;
import zloop.Protocol;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Read-side flow control: after {@code pauseReading()} no {@code dataReceived} until {@code
 * resumeReading()} (asyncio's ReadTransport contract), even while the peer keeps writing and the
 * kernel keeps receiving, and nothing is lost or reordered across pauses.
 */
@Timeout(300)
@ExtendWith(FdLeakCheck.class)
class PauseReadingTest {
  private static final int TOTAL = 64 << 20;
  /** The protocol pauses from inside dataReceived after this many bytes since the last resume. */
  private static final long PAUSE_EVERY = 1 << 20;

  /**
   * The peer writes 64 MiB as fast as the kernel takes it; the protocol pauses reading from inside
   * dataReceived every MiB, the loop turns a few times while paused (completions the kernel
   * produced meanwhile must be held), then the test resumes. No call may arrive while paused, and
   * all bytes arrive in order.
   */
  @BackendTest
  void noDataReceivedWhilePaused(String backend) throws Exception {
    byte[] payload = Net.payload(TOTAL, 11);
    try (EventLoop loop = Backends.open(backend);
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> written = new CompletableFuture<>();
      AtomicLong sent = new AtomicLong();
      Thread writer =
          Thread.ofPlatform()
              .name("pause-reading-peer")
              .start(
                  () -> {
                    try (Socket s = listener.accept()) {
                      OutputStream out = s.getOutputStream();
                      for (int at = 0; at < TOTAL; at += 64 * 1024) {
                        int n = Math.min(64 * 1024, TOTAL - at);
                        out.write(payload, at, n);
                        sent.addAndGet(n);
                      }
                      s.shutdownOutput();
                      s.getInputStream().read(); // until the loop closes
                      written.complete(null);
                    } catch (Exception e) {
                      written.completeExceptionally(e);
                    }
                  });
      Pausing p = new Pausing(loop);
      await(
          loop,
          loop.createConnection(() -> p, "127.0.0.1", listener.getLocalPort()),
          "connect");
      int rounds = 0;
      long maxAhead = 0; // how far the peer got ahead of the protocol while it was paused
      while (!p.eof.isDone()) {
        await(loop, p.nextEvent(), "a pause or EOF");
        if (p.paused) {
          // Turns while paused: the peer keeps writing, completions keep coming from the kernel.
          Net.spin(loop, 5);
          maxAhead = Math.max(maxAhead, sent.get() - p.received);
          p.resume();
          rounds++;
        }
      }
      System.out.println("[" + backend + "] peer ahead while paused, at most " + Net.size(maxAhead));
      assertEquals(0, p.callsWhilePaused, "dataReceived calls between pauseReading and resumeReading");
      assertEquals(TOTAL, p.received, "bytes received");
      assertEquals(Net.crc(payload), p.crc.getValue(), "the bytes arrive in order");
      assertTrue(rounds >= 8, "paused at least once per 8 MiB: " + rounds);
      p.transport.close();
      await(loop, p.lost, "connectionLost");
      written.get();
      writer.join();
    }
  }

  /**
   * A reader whose buffer is full pauses on every delivery and is resumed on the next turn (a
   * streams echo whose consumer drains a little each turn): the backend must really stop
   * receiving each time, not just hold what it keeps receiving. The peer writes 128 MiB as fast as
   * the kernel takes it; how far it ever gets ahead of what the protocol received must stay within
   * what the kernel's socket buffers hold plus a bounded backend buffer, not grow to all of it.
   */
  @BackendTest
  void pausingOnEveryDeliveryBoundsWhatTheBackendHolds(String backend) throws Exception {
    long total = 128L << 20;
    // The kernel's own buffering: the loop's receive buffer and the peer's send buffer at their
    // autotuned maximum. Beyond that only the backend holds bytes, and it may hold one turn's worth.
    long bound = tcpMax("tcp_rmem") + tcpMax("tcp_wmem") + (16L << 20);
    try (EventLoop loop = Backends.open(backend);
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicLong sent = new AtomicLong();
      CRC32 sentCrc = new CRC32();
      CompletableFuture<Void> written = new CompletableFuture<>();
      Thread writer =
          Thread.ofPlatform()
              .name("pause-every-delivery-peer")
              .start(
                  () -> {
                    try (Socket s = listener.accept()) {
                      OutputStream out = s.getOutputStream();
                      byte[] block = new byte[64 * 1024];
                      for (long at = 0; at < total; at += block.length) {
                        for (int k = 0; k < block.length; k++) {
                          long i = at + k;
                          block[k] = (byte) (i ^ (i >>> 11) ^ (i >>> 23));
                        }
                        out.write(block);
                        sentCrc.update(block);
                        sent.addAndGet(block.length);
                      }
                      s.shutdownOutput();
                      s.getInputStream().read(); // until the loop closes
                      written.complete(null);
                    } catch (Exception e) {
                      written.completeExceptionally(e);
                    }
                  });
      Pausing p = new Pausing(loop);
      p.resumeNextTurn = true;
      p.peerSent = sent;
      await(
          loop,
          loop.createConnection(() -> p, "127.0.0.1", listener.getLocalPort()),
          "connect");
      await(loop, p.eof, "EOF after everything", java.time.Duration.ofMinutes(4));
      assertEquals(0, p.callsWhilePaused, "dataReceived calls between pauseReading and resumeReading");
      assertEquals(total, p.received, "bytes received");
      p.transport.close();
      await(loop, p.lost, "connectionLost");
      written.get();
      writer.join();
      assertEquals(sentCrc.getValue(), p.crc.getValue(), "the bytes arrive in order");
      assertTrue(
          p.maxAhead <= bound,
          "the peer got "
              + Net.size(p.maxAhead)
              + " ahead of the protocol (kernel buffers and one turn allow "
              + Net.size(bound)
              + "): the backend kept receiving while paused");
    }
  }

  /** The third (maximum) value of /proc/sys/net/ipv4/{name}, or 16 MiB where there is none. */
  private static long tcpMax(String name) {
    try {
      String[] v =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4", name))
              .trim()
              .split("\\s+");
      return Long.parseLong(v[2]);
    } catch (Exception e) {
      return 16L << 20;
    }
  }

  private static final class Pausing implements Protocol {
    final EventLoop loop;
    Transport transport;
    boolean paused;
    long callsWhilePaused;
    long received;
    long sinceResume;
    final CRC32 crc = new CRC32();
    final Future<Void> eof;
    final Future<Void> lost;
    /** Pause on every delivery, resume on the next turn (instead of PAUSE_EVERY and resume()). */
    boolean resumeNextTurn;
    /** What the peer has written so far, to see how far ahead of the protocol it gets. */
    AtomicLong peerSent;
    long maxAhead;
    /** Completes at the next pause or at EOF. */
    private Future<Void> event;

    Pausing(EventLoop loop) {
      this.loop = loop;
      this.eof = loop.createFuture();
      this.lost = loop.createFuture();
    }

    Future<Void> nextEvent() {
      event = loop.createFuture();
      if (eof.isDone() || paused) { // it may have paused before anyone asked (right after connecting)
        event.setResult(null);
      }
      return event;
    }

    private void happened() {
      if (event != null && !event.isDone()) {
        event.setResult(null);
      }
    }

    void resume() {
      paused = false;
      sinceResume = 0;
      transport.resumeReading();
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      if (paused) {
        callsWhilePaused++;
      }
      received += data.remaining();
      sinceResume += data.remaining();
      crc.update(data);
      if (peerSent != null) {
        maxAhead = Math.max(maxAhead, peerSent.get() - received);
      }
      if (resumeNextTurn) {
        if (!paused) {
          transport.pauseReading();
          paused = true;
          loop.callSoon(this::resume);
        }
        return;
      }
      if (!paused && sinceResume >= PAUSE_EVERY) {
        transport.pauseReading();
        paused = true;
        happened();
      }
    }

    @Override
    public boolean eofReceived() {
      eof.setResult(null);
      happened();
      return true;
    }

    @Override
    public void connectionLost(Throwable exception) {
      lost.setResult(null);
    }
  }
}
