package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.LoopStats;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamPair;

/** {@link EventLoop#stats()}: what the loop did, readable from any thread while it runs. */
@Timeout(60)
class LoopStatsTest {

  @BackendTest
  void aLoopCountsItsTurnsAndTheCallbacksItRan(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      LoopStats before = loop.stats();
      assertEquals(0, before.turns(), before.toString());
      assertEquals(0, before.callbacksRun(), before.toString());
      for (int i = 0; i < 5; i++) {
        loop.callSoon(() -> {});
      }
      loop.callSoon(() -> loop.callSoon(() -> {})); // one left ready for the next turn
      loop.callSoon(loop::stop);
      loop.runForever();
      LoopStats after = loop.stats();
      assertEquals(1, after.turns(), after.toString());
      assertEquals(7, after.callbacksRun(), after.toString());
      assertEquals(1, after.readyQueueDepth(), after.toString());
    }
  }

  @BackendTest
  void waitingForATimerCountsAsWaitingAndCallbacksAsCallbackTime(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      loop.callLater(Duration.ofMillis(20), () -> new FlightEventsTest.BusyWork(Duration.ofMillis(5)).run());
      loop.callLater(Duration.ofMillis(20), loop::stop);
      loop.runForever();
      LoopStats s = loop.stats();
      // The loop had nothing to do but wait for the timer, then ran 5 ms of callback.
      assertTrue(s.waitingTime().compareTo(Duration.ZERO) > 0, s.toString());
      assertTrue(s.callbackTime().compareTo(Duration.ofMillis(5)) >= 0, s.toString());
      assertEquals(2, s.callbacksRun(), s.toString());
    }
  }

  @BackendTest
  void ioEventsAreCountedForARealConnection(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      loop.runUntilComplete(
          () -> {
            Server server = LineEchoServer.start(loop);
            int port = LineEchoServer.port(server);
            StreamPair client = loop.openConnection("127.0.0.1", port, StreamOptions.DEFAULT).join();
            long ioBefore = loop.stats().ioEvents();
            client.writer().write("ping\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("ping\n", new String(client.reader().readLine().join(), StandardCharsets.UTF_8));
            // The line reached the server and its echo the client: at least one event each.
            assertTrue(loop.stats().ioEvents() >= ioBefore + 2, loop.stats().toString());
            client.writer().close();
            server.close();
            server.waitClosed().join();
            return null;
          });
    }
  }

  @BackendTest
  void anotherThreadReadsGrowingCountersWhileTheLoopRuns(String backend) throws Exception {
    EventLoop loop = Backends.open(backend);
    CountDownLatch ticked = new CountDownLatch(20);
    CountDownLatch readerDone = new CountDownLatch(1);
    Thread runner =
        Thread.ofPlatform()
            .start(
                () -> {
                  Runnable[] tick = new Runnable[1];
                  tick[0] =
                      () -> {
                        ticked.countDown();
                        if (readerDone.getCount() > 0) {
                          loop.callLater(Duration.ofMillis(1), tick[0]);
                        }
                      };
                  loop.callSoon(tick[0]);
                  loop.runForever();
                  loop.close(); // on its own thread: io_uring's ring may be bound to it
                });
    try {
      List<LoopStats> seen = new ArrayList<>();
      while (!ticked.await(0, TimeUnit.MILLISECONDS) && seen.size() < 100_000) {
        seen.add(loop.stats());
      }
      assertTrue(ticked.await(30, TimeUnit.SECONDS), "the loop did not tick");
      seen.add(loop.stats());
      for (int i = 1; i < seen.size(); i++) {
        LoopStats a = seen.get(i - 1);
        LoopStats b = seen.get(i);
        assertTrue(b.turns() >= a.turns() && b.callbacksRun() >= a.callbacksRun(), a + " then " + b);
      }
      LoopStats last = seen.get(seen.size() - 1);
      assertTrue(last.callbacksRun() >= 19, last.toString()); // 20 ticks ran, the last one maybe mid-turn
    } finally {
      readerDone.countDown();
      loop.callSoonThreadSafe(loop::stop);
      runner.join();
    }
  }
}
