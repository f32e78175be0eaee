package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Protocol;
import zloop.Server;
import zloop.ServerOptions;
import zloop.Transport;

/**
 * A loop whose ready queue never drains. It polls the kernel only once per 64 callbacks then (not
 * once per turn, as asyncio does), and I/O, timers and other threads' callbacks still get through.
 */
@Timeout(120)
class BusyLoopTest {
  private static final int POLL_INTERVAL = 64; // Loop.POLL_INTERVAL_CALLBACKS

  /** What the loop thread saw, in hops of the chain; -1 until it happened. */
  private static final class Seen {
    long hops;
    volatile long dataAtHop = -1;
    volatile long lostAtHop = -1;
    volatile long timerAtHop = -1;
    volatile long otherThreadAtHop = -1;
    final StringBuilder received = new StringBuilder();

    boolean all() {
      return dataAtHop >= 0 && lostAtHop >= 0 && timerAtHop >= 0 && otherThreadAtHop >= 0;
    }
  }

  /** Echoes what arrives and notes, in hops, when data came and when the peer went away. */
  private static final class RecordingEcho implements Protocol {
    private final Seen seen;
    private Transport transport;

    RecordingEcho(Seen seen) {
      this.seen = seen;
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      seen.received.append(StandardCharsets.UTF_8.decode(data.duplicate()));
      seen.dataAtHop = seen.hops;
      transport.write(data);
    }

    @Override
    public void connectionLost(Throwable exception) {
      seen.lostAtHop = seen.hops;
    }
  }

  @BackendTest
  void ioTimersAndOtherThreadsGetThroughWhileACallbackChainKeepsTheQueueBusy(String backend)
      throws Exception {
    EventLoop loop = Backends.open(backend);
    Seen seen = new Seen();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    AtomicReference<Throwable> loopFailure = new AtomicReference<>();
    Thread runner =
        Thread.ofPlatform()
            .name("busy-loop-" + backend)
            .start(
                () -> {
                  try {
                    Server server =
                        loop.runUntilComplete(
                            loop.createServer(
                                () -> new RecordingEcho(seen), "127.0.0.1", 0, ServerOptions.DEFAULT));
                    port.complete(LineEchoServer.port(server));
                    loop.callLater(Duration.ofMillis(1), () -> seen.timerAtHop = seen.hops);
                    // The chain: one hop per turn, and the queue never empty, until all was seen.
                    Runnable[] hop = new Runnable[1];
                    hop[0] =
                        () -> {
                          seen.hops++;
                          if (seen.all() || Thread.currentThread().isInterrupted()) {
                            loop.stop();
                          } else {
                            loop.callSoon(hop[0]);
                          }
                        };
                    loop.callSoon(hop[0]);
                    loop.runForever();
                    server.close();
                    loop.runUntilComplete(server.waitClosed());
                  } catch (Throwable t) {
                    loopFailure.set(t);
                    port.completeExceptionally(t);
                  } finally {
                    loop.close(); // on its own thread: io_uring's ring may be bound to it
                  }
                });
    try (Socket peer = new Socket("127.0.0.1", port.get(60, TimeUnit.SECONDS))) {
      peer.setSoTimeout(60_000); // a loop that never polled would leave the read hanging
      peer.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
      InputStream in = peer.getInputStream();
      assertEquals("ping", new String(in.readNBytes(4), StandardCharsets.UTF_8));
      loop.callSoonThreadSafe(() -> seen.otherThreadAtHop = seen.hops);
    } finally {
      runner.join(60_000);
      if (runner.isAlive()) {
        runner.interrupt(); // the chain gives up; the assertions below say what never came
        runner.join();
      }
    }
    assertNull(loopFailure.get());
    assertEquals("ping", seen.received.toString());
    // Each happened while the chain ran, that is while the ready queue was never empty.
    assertTrue(seen.dataAtHop > 0, "data never reached the protocol: " + seen.dataAtHop);
    assertTrue(seen.lostAtHop > 0, "the peer's close never reached the protocol: " + seen.lostAtHop);
    assertTrue(seen.timerAtHop > 0, "the timer never fired: " + seen.timerAtHop);
    assertTrue(seen.otherThreadAtHop > 0, "the thread-safe callback never ran");
  }

  @BackendTest
  void aCallbackChainPollsTheKernelOncePerIntervalNotOncePerHop(String backend) throws Exception {
    int hops = 100 * POLL_INTERVAL;
    int[] ran = {0};
    List<RecordedEvent> polls =
        FlightEventsTest.record(
            r -> r.enable("zloop.BackendPoll").withThreshold(Duration.ZERO),
            backend,
            loop -> {
              Runnable[] hop = new Runnable[1];
              hop[0] =
                  () -> {
                    if (++ran[0] < hops) {
                      loop.callSoon(hop[0]);
                    } else {
                      loop.stop();
                    }
                  };
              loop.callSoon(hop[0]);
              loop.runForever();
              assertEquals(hops, loop.stats().turns(), "one hop per turn");
            });
    assertEquals(hops, ran[0]);
    long mine = polls.stream().filter(e -> e.getString("backend").equals(backend)).count();
    // asyncio's rule, one poll per turn, would make it 6400.
    assertTrue(mine <= hops / POLL_INTERVAL + 1, mine + " polls for " + hops + " hops");
    assertTrue(mine >= hops / POLL_INTERVAL - 1, mine + " polls: the busy loop must still poll");
  }
}
