package zloop.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoopClosedException;
import zloop.EventLoops;
import zloop.Future;
import zloop.Handle;
import zloop.Task;
import zloop.TimerHandle;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** Facts of CPython's test_base_events.py and test_events.py (the loop part), ported. */
@Timeout(60)
class LoopConformanceTest {

  @BackendTest
  void callSoonRunsCallbacksInFifoOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        loop.callSoon(() -> order.add(n));
      }
      Turns.oneTurn(loop);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order);
    }
  }

  @BackendTest
  void callSoonRejectsANullCallback(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      assertThrows(NullPointerException.class, () -> loop.callSoon(null));
      assertThrows(NullPointerException.class, () -> loop.callLater(Duration.ZERO, null));
    }
  }

  @BackendTest
  void aTimerNeverRunsBeforeItsDeadline(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long[] ranAt = {0};
      TimerHandle h = loop.callLater(Duration.ofMillis(50), () -> ranAt[0] = loop.time());
      long scheduledAt = loop.time();
      assertTrue(h.when() - scheduledAt >= 0, "when() is not before scheduling time");
      Future<Void> after = loop.sleep(Duration.ofMillis(60));
      Turns.await(loop, after, "a sleep past the timer");
      assertTrue(ranAt[0] != 0, "the timer ran");
      assertTrue(ranAt[0] - h.when() >= 0, "ran at " + ranAt[0] + ", deadline " + h.when());
    }
  }

  @BackendTest
  void negativeDelaysKeepTheirPastDeadlines(String backend) {
    // asyncio: when = time() + delay, so a deadline may lie in the past and -2 s runs before -1 s.
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      long before = loop.time();
      TimerHandle a = loop.callLater(Duration.ofSeconds(-1), () -> calls.add("a"));
      TimerHandle b = loop.callLater(Duration.ofSeconds(-2), () -> calls.add("b"));
      assertTrue(b.when() - a.when() < 0, "-2 s is earlier than -1 s");
      assertTrue(a.when() - before < 0, "the deadline lies in the past");
      Turns.briefly(loop);
      assertEquals(List.of("b", "a"), calls);
    }
  }

  @BackendTest
  void timersWithEqualDeadlinesRunInSchedulingOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> calls = new ArrayList<>();
      long when = loop.time() + Duration.ofMillis(5).toNanos();
      for (int i = 0; i < 5; i++) {
        int n = i;
        loop.callAt(when, () -> calls.add(n));
      }
      Turns.await(loop, loop.sleep(Duration.ofMillis(20)), "a sleep past the deadline");
      assertEquals(List.of(0, 1, 2, 3, 4), calls);
    }
  }

  @BackendTest
  void callAtRunsAtADeadlineOnTheLoopClock(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long when = loop.time() + Duration.ofMillis(20).toNanos();
      long[] ranAt = {0};
      loop.callAt(when, () -> {
        ranAt[0] = loop.time();
        loop.stop();
      });
      loop.runForever();
      assertTrue(ranAt[0] - when >= 0, "ran at " + ranAt[0] + ", deadline " + when);
    }
  }

  @BackendTest
  void timerHandleWhenIsTheDeadlineGiven(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long when = loop.time() + Duration.ofSeconds(10).toNanos();
      TimerHandle h = loop.callAt(when, () -> {});
      assertEquals(when, h.when());
      h.cancel();
    }
  }

  @BackendTest
  void aCancelledHandleNeverRunsAndCancellingTwiceIsHarmless(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      Handle h = loop.callSoon(() -> calls.add("cancelled one"));
      loop.callSoon(() -> calls.add("other"));
      assertFalse(h.isCancelled());
      h.cancel();
      h.cancel();
      assertTrue(h.isCancelled());
      Turns.briefly(loop);
      assertEquals(List.of("other"), calls);
    }
  }

  @BackendTest
  void aCancelledTimerNeverRuns(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      TimerHandle h = loop.callLater(Duration.ofMillis(1), () -> calls.add("timer"));
      h.cancel();
      assertTrue(h.isCancelled());
      Turns.await(loop, loop.sleep(Duration.ofMillis(20)), "a sleep past the deadline");
      assertEquals(List.of(), calls);
    }
  }

  @BackendTest
  void aTimerCancelledByAnEarlierCallbackOfTheSameTurnDoesNotRun(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      long when = loop.time() + Duration.ofMillis(5).toNanos();
      TimerHandle[] second = {null};
      loop.callAt(when, () -> {
        calls.add("first");
        second[0].cancel();
      });
      second[0] = loop.callAt(when, () -> calls.add("second"));
      Turns.await(loop, loop.sleep(Duration.ofMillis(20)), "a sleep past the deadline");
      assertEquals(List.of("first"), calls);
    }
  }

  @BackendTest
  void aZeroDelayTimerStillRunsLaterNeverInline(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      loop.callLater(Duration.ZERO, () -> calls.add("timer"));
      calls.add("scheduled");
      Turns.briefly(loop);
      assertEquals(List.of("scheduled", "timer"), calls);
    }
  }

  @BackendTest
  void runUntilCompleteOfADoneFutureReturnsItsResult(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      f.setResult("done already");
      assertEquals("done already", loop.runUntilComplete(f));
      assertFalse(loop.isRunning());
    }
  }

  @BackendTest
  void runUntilCompleteReturnsOnceTheFutureIsDoneLeavingLaterTimersPending(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      TimerHandle later = loop.callLater(Duration.ofSeconds(30), () -> calls.add("late"));
      assertEquals(7, loop.runUntilComplete(loop.sleep(Duration.ofMillis(1), 7)));
      assertFalse(loop.isRunning());
      assertEquals(List.of(), calls);
      later.cancel();
    }
  }

  @BackendTest
  void runUntilCompleteThrowsWhenTheLoopStopsFirst(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> never = loop.createFuture();
      loop.callSoon(loop::stop);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(never));
      assertEquals("Event loop stopped before Future completed.", e.getMessage());
      assertFalse(never.isDone());
    }
  }

  @BackendTest
  void runUntilCompleteInsideTheRunningLoopThrows(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicReference<Throwable> seen = new AtomicReference<>();
      Future<String> other = loop.createFuture();
      loop.callSoon(() -> {
        try {
          loop.runUntilComplete(other);
        } catch (Throwable t) {
          seen.set(t);
        }
        loop.stop();
      });
      loop.runForever();
      assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
    }
  }

  @BackendTest
  void runForeverInsideTheRunningLoopThrows(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicReference<Throwable> seen = new AtomicReference<>();
      loop.callSoon(() -> {
        try {
          loop.runForever();
        } catch (Throwable t) {
          seen.set(t);
        }
        loop.stop();
      });
      loop.runForever();
      assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
      assertTrue(seen.get().getMessage().contains("already running"), seen.get().getMessage());
    }
  }

  @BackendTest
  void runningALoopInsideAnotherRunningLoopThrows(String backend) {
    try (EventLoop outer = Backends.open(backend);
        EventLoop inner = Backends.open(backend)) {
      AtomicReference<Throwable> seen = new AtomicReference<>();
      outer.callSoon(() -> {
        try {
          inner.runUntilComplete(inner.sleep(Duration.ZERO));
        } catch (Throwable t) {
          seen.set(t);
        }
        outer.stop();
      });
      outer.runForever();
      assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
      assertFalse(inner.isRunning());
    }
  }

  @BackendTest
  void stopBeforeRunForeverRunsOneTurnOfWhatIsScheduled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      loop.callSoon(() -> {
        calls.add("first");
        loop.callSoon(() -> calls.add("next turn"));
      });
      loop.stop();
      loop.runForever();
      assertEquals(List.of("first"), calls);
      Turns.oneTurn(loop);
      assertEquals(List.of("first", "next turn"), calls, "the stop applied to one run only");
    }
  }

  @BackendTest
  void callSoonStopThenRunForeverRunsTheReadyCallbacksOnce(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] count = {0};
      loop.callSoon(() -> count[0]++);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(1, count[0]);
      assertFalse(loop.isRunning());
    }
  }

  @BackendTest
  void closingARunningLoopThrows(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicReference<Throwable> seen = new AtomicReference<>();
      loop.callSoon(() -> {
        try {
          loop.close();
        } catch (Throwable t) {
          seen.set(t);
        }
        loop.stop();
      });
      loop.runForever();
      assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
      assertFalse(loop.isClosed());
    }
  }

  @BackendTest
  void closeIsIdempotentAndIsClosedTellsIt(String backend) {
    EventLoop loop = Backends.open(backend);
    assertFalse(loop.isClosed());
    loop.close();
    assertTrue(loop.isClosed());
    loop.close();
    loop.close();
    assertTrue(loop.isClosed());
  }

  @BackendTest
  void aClosedLoopCannotRun(String backend) {
    EventLoop loop = Backends.open(backend);
    Future<String> f = loop.createFuture();
    loop.close();
    assertThrows(EventLoopClosedException.class, loop::runForever);
    assertThrows(EventLoopClosedException.class, () -> loop.runUntilComplete(f));
  }

  @BackendTest
  void aClosedLoopRejectsCallbacksAndTimers(String backend) {
    EventLoop loop = Backends.open(backend);
    loop.close();
    assertThrows(EventLoopClosedException.class, () -> loop.callSoon(() -> {}));
    assertThrows(EventLoopClosedException.class, () -> loop.callLater(Duration.ZERO, () -> {}));
    assertThrows(EventLoopClosedException.class, () -> loop.callAt(loop.time(), () -> {}));
  }

  @BackendTest
  void aClosedLoopRejectsCallSoonThreadSafe(String backend) throws Exception {
    EventLoop loop = Backends.open(backend);
    loop.close();
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> {
      try {
        loop.callSoonThreadSafe(() -> {});
        seen.complete(null);
      } catch (Throwable t) {
        seen.complete(t);
      }
    }).join();
    assertTrue(seen.get() instanceof EventLoopClosedException, String.valueOf(seen.get()));
  }

  @BackendTest
  void aClosedLoopRejectsNewTasks(String backend) {
    EventLoop loop = Backends.open(backend);
    loop.close();
    assertThrows(EventLoopClosedException.class, () -> loop.createTask(() -> 1));
  }

  @BackendTest
  void aClosedLoopRejectsRunInExecutor(String backend) {
    EventLoop loop = Backends.open(backend);
    loop.close();
    assertThrows(EventLoopClosedException.class, () -> loop.runInExecutor(null, () -> 1));
  }

  @BackendTest
  void isRunningIsTrueOnlyWhileTheLoopRuns(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      assertFalse(loop.isRunning());
      boolean[] inside = {false};
      loop.callSoon(() -> inside[0] = loop.isRunning());
      Turns.oneTurn(loop);
      assertTrue(inside[0]);
      assertFalse(loop.isRunning());
    }
  }

  @BackendTest
  void callSoonThreadSafeFromAnotherThreadWakesAWaitingLoop(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      List<String> calls = new ArrayList<>();
      Thread loopThread = Thread.currentThread();
      Thread[] ranOn = {null};
      // started once the loop is about to block on I/O with nothing else to do
      loop.callSoon(() -> Thread.ofPlatform().start(() -> {
        loop.callSoonThreadSafe(() -> calls.add("hello"));
        loop.callSoonThreadSafe(() -> {
          calls.add("world");
          ranOn[0] = Thread.currentThread();
          f.setResult("woken");
        });
      }));
      assertEquals("woken", Turns.await(loop, f, "the threadsafe callbacks"));
      assertEquals(List.of("hello", "world"), calls);
      assertSame(loopThread, ranOn[0]);
    }
  }

  @BackendTest
  void callSoonThreadSafeFromTheLoopThreadWorksLikeCallSoon(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      loop.callSoon(() -> {
        loop.callSoonThreadSafe(() -> calls.add("threadsafe"));
        loop.callSoon(() -> calls.add("soon"));
      });
      Turns.briefly(loop);
      assertTrue(calls.containsAll(List.of("threadsafe", "soon")) && calls.size() == 2, calls.toString());
    }
  }

  @BackendTest
  void callSoonFromAForeignThreadWhileTheLoopRunsThrows(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Throwable> seen = loop.createFuture();
      loop.callSoon(() -> Thread.ofPlatform().start(() -> {
        Throwable t = null;
        try {
          loop.callSoon(() -> {});
        } catch (Throwable e) {
          t = e;
        }
        Throwable result = t;
        loop.callSoonThreadSafe(() -> seen.setResult(result));
      }));
      Throwable t = Turns.await(loop, seen, "the foreign callSoon");
      assertTrue(t instanceof IllegalStateException, String.valueOf(t));
    }
  }

  @BackendTest
  void runInExecutorRunsElsewhereAndCompletesOnTheLoopThread(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Thread loopThread = Thread.currentThread();
      Thread[] callbackOn = {null};
      Future<Thread> f = loop.runInExecutor(null, Thread::currentThread);
      f.addDoneCallback(x -> callbackOn[0] = Thread.currentThread());
      Thread worker = Turns.await(loop, f, "runInExecutor");
      Turns.briefly(loop);
      assertNotSame(loopThread, worker);
      assertSame(loopThread, callbackOn[0]);
    }
  }

  @BackendTest
  void runInExecutorDeliversTheBodysException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalStateException boom = new IllegalStateException("boom");
      Future<Integer> f = loop.runInExecutor(null, () -> {
        throw boom;
      });
      assertSame(boom, Turns.awaitFailure(loop, f, "a failing executor body"));
    }
  }

  @BackendTest
  void cancellingARunInExecutorFutureCancelsItAndTheLoopGoesOn(String backend) throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.runInExecutor(null, () -> {
        release.await(30, TimeUnit.SECONDS);
        return 1;
      });
      assertTrue(f.cancel());
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(f));
      assertEquals(5, loop.runUntilComplete(loop.sleep(Duration.ZERO, 5)));
    } finally {
      release.countDown();
    }
  }

  @BackendTest
  void setDefaultExecutorIsUsedByRunInExecutor(String backend) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-default"));
    try (EventLoop loop = Backends.open(backend)) {
      loop.setDefaultExecutor(pool);
      Future<String> f = loop.runInExecutor(null, () -> Thread.currentThread().getName());
      assertEquals("my-default", Turns.await(loop, f, "runInExecutor on the set default"));
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @BackendTest
  void afterShutdownDefaultExecutorRunInExecutorFails(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> before = loop.runInExecutor(null, () -> 1);
      assertEquals(1, Turns.await(loop, before, "work before shutdown"));
      Turns.await(loop, loop.shutdownDefaultExecutor(), "shutdownDefaultExecutor");
      Throwable t;
      try {
        Future<Integer> after = loop.runInExecutor(null, () -> 2);
        t = Turns.awaitFailure(loop, after, "work after shutdown");
      } catch (RuntimeException e) {
        t = e;
      }
      assertTrue(t instanceof IllegalStateException || t instanceof java.util.concurrent.RejectedExecutionException, String.valueOf(t));
    }
  }

  @BackendTest
  void shutdownDefaultExecutorWaitsForRunningWork(String backend) throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (EventLoop loop = Backends.open(backend)) {
      java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
      Future<Object> work = loop.runInExecutor(null, () -> {
        release.await(30, TimeUnit.SECONDS);
        finished.set(true);
        return null;
      });
      Future<Void> shutdown = loop.shutdownDefaultExecutor();
      Turns.briefly(loop);
      assertFalse(shutdown.isDone(), "shutdown must wait for the blocked work");
      release.countDown();
      Turns.await(loop, shutdown, "shutdownDefaultExecutor");
      assertTrue(finished.get(), "shutdown completed only after the running work finished");
      Turns.await(loop, work, "the work's own future");
    } finally {
      release.countDown();
    }
  }

  @BackendTest
  void setDebugAndGetDebug(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      loop.setDebug(true);
      assertTrue(loop.getDebug());
      loop.setDebug(false);
      assertFalse(loop.getDebug());
    }
  }

  @BackendTest
  void timeNeverGoesBackwards(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long previous = loop.time();
      for (int i = 0; i < 1000; i++) {
        long now = loop.time();
        assertTrue(now - previous >= 0);
        previous = now;
      }
      long before = loop.time();
      Turns.await(loop, loop.sleep(Duration.ofMillis(2)), "a sleep");
      assertTrue(loop.time() - before > 0, "time advanced across a sleep");
    }
  }

  @BackendTest
  void runUntilCompleteRejectsAFutureOfAnotherLoop(String backend) {
    try (EventLoop loop = Backends.open(backend);
        EventLoop other = Backends.open(backend)) {
      Future<String> foreign = other.createFuture();
      assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(foreign));
      foreign.cancel();
    }
  }

  @BackendTest
  void taskFactoryIsUsedUntilResetWithNull(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> made = new ArrayList<>();
      EventLoop.TaskFactory factory = new EventLoop.TaskFactory() {
        @Override
        public <T> Task<T> create(Callable<T> body, String name, EventLoop.TaskFactory defaults) {
          made.add(name);
          return defaults.create(body, name, defaults);
        }
      };
      assertNull(loop.getTaskFactory());
      loop.setTaskFactory(factory);
      assertSame(factory, loop.getTaskFactory());
      assertEquals(1, loop.runUntilComplete(loop.createTask(() -> 1, "via factory")));
      loop.setTaskFactory(null);
      assertNull(loop.getTaskFactory());
      assertEquals(2, loop.runUntilComplete(loop.createTask(() -> 2, "direct")));
      assertEquals(List.of("via factory"), made);
    }
  }

  @BackendTest
  void aCustomTaskFactoryKeepsTheGivenName(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      loop.setTaskFactory(new EventLoop.TaskFactory() {
        @Override
        public <T> Task<T> create(Callable<T> body, String name, EventLoop.TaskFactory defaults) {
          return defaults.create(body, name, defaults);
        }
      });
      Task<Integer> t = loop.createTask(() -> 1, "test_task");
      assertEquals("test_task", t.name());
      loop.runUntilComplete(t);
    }
  }

  @BackendTest
  void runningLoopIsTheLoopInsideACallbackAndAbsentOutside(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      EventLoop[] inside = {null};
      loop.callSoon(() -> inside[0] = EventLoops.runningLoop());
      Turns.oneTurn(loop);
      assertSame(loop, inside[0]);
      assertThrows(IllegalStateException.class, EventLoops::runningLoop);
    }
  }

  @BackendTest
  void aCallbackThatThrowsDoesNotStopTheOthers(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> calls.add("handler"));
      loop.callSoon(() -> {
        throw new IllegalStateException("boom");
      });
      loop.callSoon(() -> calls.add("next"));
      Turns.briefly(loop);
      assertEquals(List.of("handler", "next"), calls);
    }
  }
}
