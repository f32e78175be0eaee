package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Handle;
import zloop.TimerHandle;

/** callSoon, timers and the cross-thread entry, on every backend. */
@Timeout(60)
class SchedulingTest {

  @BackendTest
  void callSoonRunsCallbacksInFifoOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        loop.callSoon(() -> order.add(n));
      }
      loop.callSoon(loop::stop);
      loop.runForever();
      for (int i = 0; i < 1000; i++) {
        assertEquals(i, order.get(i));
      }
    }
  }

  @BackendTest
  void aCallbackScheduledByACallbackRunsOnTheNextTurn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> events = new ArrayList<>();
      loop.callSoon(
          () -> {
            events.add("a");
            loop.callSoon(() -> events.add("c (scheduled by a)"));
          });
      loop.callSoon(() -> events.add("b"));
      // stop() in the first turn ends the loop after that turn: c must not have run yet.
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(List.of("a", "b"), events);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(List.of("a", "b", "c (scheduled by a)"), events);
    }
  }

  @BackendTest
  void timersWithEqualDeadlinesFireInSchedulingOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long when = loop.time() + Duration.ofMillis(20).toNanos();
      List<Integer> fired = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        loop.callAt(when, () -> fired.add(n));
      }
      loop.callAt(when - 1_000_000, () -> fired.add(-1)); // earlier deadline, scheduled last
      loop.callAt(when + 1, loop::stop);
      loop.runForever();
      assertEquals(201, fired.size());
      assertEquals(-1, fired.get(0));
      for (int i = 0; i < 200; i++) {
        assertEquals(i, fired.get(i + 1));
      }
    }
  }

  @BackendTest
  void timersFireInDeadlineOrderNotSchedulingOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> fired = new ArrayList<>();
      int[] delays = {30, 10, 20, 0, 5};
      for (int d : delays) {
        loop.callLater(Duration.ofMillis(d), () -> fired.add(d));
      }
      loop.callLater(Duration.ofMillis(40), loop::stop);
      loop.runForever();
      assertEquals(List.of(0, 5, 10, 20, 30), fired);
    }
  }

  @BackendTest
  void aTimerDoesNotFireBeforeItsDeadline(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long[] firedAt = {0};
      TimerHandle t = loop.callLater(Duration.ofMillis(30), () -> {
        firedAt[0] = loop.time();
        loop.stop();
      });
      loop.runForever();
      assertTrue(firedAt[0] - t.when() >= 0, "fired before its deadline");
    }
  }

  @BackendTest
  void cancelledHandlesAndTimersDoNotRun(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicInteger ran = new AtomicInteger();
      Handle h = loop.callSoon(ran::incrementAndGet);
      TimerHandle t = loop.callLater(Duration.ofMillis(1), ran::incrementAndGet);
      h.cancel();
      t.cancel();
      t.cancel(); // twice is harmless
      assertTrue(h.isCancelled());
      assertTrue(t.isCancelled());
      loop.callLater(Duration.ofMillis(20), loop::stop);
      loop.runForever();
      assertEquals(0, ran.get());
    }
  }

  @BackendTest
  void aCallbackCanCancelALaterOneInTheSameTurn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicInteger ran = new AtomicInteger();
      Handle[] second = new Handle[1];
      loop.callSoon(() -> second[0].cancel());
      second[0] = loop.callSoon(ran::incrementAndGet);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(0, ran.get());
    }
  }

  @BackendTest
  void manyCancelledTimersNeverFireAndNeverHoldBackLiveOnes(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<TimerHandle> handles = new ArrayList<>();
      AtomicInteger live = new AtomicInteger();
      for (int i = 0; i < 10_000; i++) {
        handles.add(loop.callLater(Duration.ofSeconds(60), () -> { throw new AssertionError(); }));
      }
      for (int i = 0; i < 10; i++) {
        loop.callLater(Duration.ofMillis(i), live::incrementAndGet);
      }
      handles.forEach(TimerHandle::cancel);
      loop.callLater(Duration.ofMillis(30), loop::stop);
      loop.runForever();
      assertEquals(10, live.get());
    }
  }

  @BackendTest
  void callSoonThreadSafeFromEightThreadsRunsEachCallExactlyOnce(String backend) throws Exception {
    int threads = 8;
    int perThread = 100_000;
    try (EventLoop loop = Backends.open(backend)) {
      BitSet seen = new BitSet(threads * perThread);
      int[] duplicates = {0};
      int[] total = {0};
      CountDownLatch loopIsRunning = new CountDownLatch(1);
      loop.callSoon(loopIsRunning::countDown);
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < threads; p++) {
        int base = p * perThread;
        producers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      awaitQuietly(loopIsRunning);
                      for (int i = 0; i < perThread; i++) {
                        int id = base + i;
                        loop.callSoonThreadSafe(
                            () -> {
                              if (seen.get(id)) {
                                duplicates[0]++;
                              }
                              seen.set(id);
                              if (++total[0] == threads * perThread) {
                                loop.stop();
                              }
                            });
                      }
                    }));
      }
      loop.runForever();
      for (Thread t : producers) {
        t.join();
      }
      assertEquals(0, duplicates[0]);
      assertEquals(threads * perThread, seen.cardinality());
    }
  }

  @BackendTest
  void callSoonThreadSafeWakesALoopBlockedWithNothingToDo(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      CountDownLatch running = new CountDownLatch(1);
      loop.callSoon(running::countDown);
      Thread other =
          Thread.ofPlatform()
              .start(
                  () -> {
                    awaitQuietly(running);
                    sleepQuietly(100); // let the loop settle into a wait with no deadline
                    loop.callSoonThreadSafe(loop::stop);
                  });
      loop.runForever(); // no timers, no I/O: only the wake-up can end this
      other.join();
      assertFalse(loop.isRunning());
    }
  }

  @BackendTest
  void stopFromAnotherThreadWakesABlockedLoop(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      CountDownLatch running = new CountDownLatch(1);
      loop.callSoon(running::countDown);
      Thread other =
          Thread.ofPlatform()
              .start(
                  () -> {
                    awaitQuietly(running);
                    sleepQuietly(100);
                    loop.stop();
                  });
      loop.runForever();
      other.join();
      assertFalse(loop.isRunning());
    }
  }

  @BackendTest
  void loopAffineCallsFromAnotherThreadFailLoudlyWhileTheLoopRuns(String backend)
      throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      CountDownLatch running = new CountDownLatch(1);
      List<Throwable> failures = new ArrayList<>();
      loop.callSoon(running::countDown);
      Thread other =
          Thread.ofPlatform()
              .start(
                  () -> {
                    awaitQuietly(running);
                    try {
                      loop.callSoon(() -> {});
                    } catch (IllegalStateException e) {
                      synchronized (failures) {
                        failures.add(e);
                      }
                    }
                    loop.callSoonThreadSafe(loop::stop);
                  });
      loop.runForever();
      other.join();
      assertEquals(1, failures.size());
      assertTrue(failures.get(0).getMessage().contains("Non-thread-safe operation"));
    }
  }

  @BackendTest
  void timeIsMonotonic(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long a = loop.time();
      long b = loop.time();
      assertTrue(b - a >= 0);
    }
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
