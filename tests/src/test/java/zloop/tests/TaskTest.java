package zloop.tests;

import java.util.concurrent.CompletionException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;
import zloop.Task;

/** Tasks: virtual threads scheduled by the loop. */
@Timeout(60)
class TaskTest {

  @BackendTest
  void aTaskRunsOnTheLoopThread(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Thread loopThread = Thread.currentThread();
      List<String> carriers = new ArrayList<>();
      Task<String> task =
          loop.createTask(
              () -> {
                carriers.add(carrierOf(Thread.currentThread()));
                loop.sleep(Duration.ZERO).join();
                carriers.add(carrierOf(Thread.currentThread()));
                loop.sleep(Duration.ofMillis(5)).join();
                carriers.add(carrierOf(Thread.currentThread()));
                return "ok";
              });
      assertEquals("ok", loop.runUntilComplete(task));
      assertEquals(List.of(loopThread.getName(), loopThread.getName(), loopThread.getName()), carriers);
    }
  }

  /** A virtual thread's toString ends with "@carrier-name" while it is mounted. */
  private static String carrierOf(Thread virtualThread) {
    assertTrue(virtualThread.isVirtual(), "a task body runs on a virtual thread");
    String s = virtualThread.toString();
    return s.substring(s.lastIndexOf('@') + 1);
  }

  @BackendTest
  void tasksInterleaveAtJoinPoints(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> trace = new ArrayList<>();
      Task<Void> a = loop.createTask(() -> step(loop, trace, "a"));
      Task<Void> b = loop.createTask(() -> step(loop, trace, "b"));
      loop.runUntilComplete(loop.gather(List.of(a, b)));
      assertEquals(List.of("a1", "b1", "a2", "b2", "a3", "b3"), trace);
    }
  }

  private static Void step(EventLoop loop, List<String> trace, String name) {
    for (int i = 1; i <= 3; i++) {
      trace.add(name + i);
      loop.sleep(Duration.ZERO).join();
    }
    return null;
  }

  @BackendTest
  void sleepZeroYieldsExactlyOneTurn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] turns = {0};
      boolean[] done = {false};
      Runnable[] tick = new Runnable[1];
      tick[0] =
          () -> {
            turns[0]++;
            if (!done[0]) {
              loop.callSoon(tick[0]); // one tick per turn
            }
          };
      Task<List<Integer>> task =
          loop.createTask(
              () -> {
                List<Integer> ticksPerYield = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                  int before = turns[0];
                  loop.sleep(Duration.ZERO).join();
                  ticksPerYield.add(turns[0] - before);
                }
                done[0] = true;
                return ticksPerYield;
              });
      loop.callSoon(tick[0]);
      assertEquals(List.of(1, 1, 1, 1, 1), loop.runUntilComplete(task));
    }
  }

  @BackendTest
  void callbacksRunWhileATaskWaits(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      Task<String> task = loop.createTask(() -> "got " + f.join());
      loop.callLater(Duration.ofMillis(10), () -> f.setResult("value"));
      assertEquals("got value", loop.runUntilComplete(task));
    }
  }

  @BackendTest
  void aTaskWaitingOnAFutureIsCancelledCleanly(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> never = loop.createFuture();
      List<String> trace = new ArrayList<>();
      Task<String> task =
          loop.createTask(
              () -> {
                try {
                  return never.join();
                } catch (CancellationException e) {
                  trace.add("cancelled: " + e.getMessage());
                  throw e;
                } finally {
                  trace.add("finally");
                }
              });
      loop.callLater(Duration.ofMillis(10), () -> task.cancel("enough"));
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertTrue(task.isCancelled());
      assertTrue(never.isCancelled(), "cancelling a waiting task cancels what it waits on");
      assertEquals(List.of("cancelled: enough", "finally"), trace);
    }
  }

  @BackendTest
  void aSleepingTaskIsCancelledCleanly(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> task =
          loop.createTask(
              () -> {
                loop.sleep(Duration.ofHours(1)).join();
                return "woke up";
              });
      loop.callLater(Duration.ofMillis(5), task::cancel);
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertTrue(task.isCancelled());
    }
  }

  @BackendTest
  void aTaskCanSuppressItsCancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> task =
          loop.createTask(
              () -> {
                try {
                  loop.sleep(Duration.ofHours(1)).join();
                  return "slept";
                } catch (CancellationException e) {
                  return "caught";
                }
              });
      loop.callLater(Duration.ofMillis(5), task::cancel);
      assertEquals("caught", loop.runUntilComplete(task));
      assertFalse(task.isCancelled());
    }
  }

  @BackendTest
  void aTaskCancelledBeforeItStartsNeverRunsItsBody(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] ran = {false};
      Task<Integer> task = loop.createTask(() -> {
        ran[0] = true;
        return 1;
      });
      assertTrue(task.cancel());
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertFalse(ran[0]);
    }
  }

  @BackendTest
  void joinOnTheLoopThreadOutsideATaskFailsLoudly(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      Throwable[] failure = {null};
      loop.callSoon(
          () -> {
            try {
              f.join();
            } catch (IllegalStateException e) {
              failure[0] = e;
            }
            loop.stop();
          });
      loop.runForever();
      assertTrue(failure[0].getMessage().contains("would block the event loop"));
    }
  }

  @BackendTest
  void aFailingTaskFailsItsFuture(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> task = loop.createTask(() -> {
        throw new IllegalArgumentException("bad");
      });
      CompletionException wrapped =
          assertThrows(CompletionException.class, () -> loop.runUntilComplete(task));
      IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, wrapped.getCause());
      assertEquals("bad", e.getMessage());
      assertInstanceOf(IllegalArgumentException.class, task.exception());
    }
  }

  @BackendTest
  void taskNamesCurrentTasksAndAllTasks(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> named = loop.createTask(() -> loop.sleep(Duration.ofMillis(20), 7).join(), "sleeper");
      Task<Integer> other = loop.createTask(() -> loop.allTasks().size());
      assertEquals("sleeper", named.name());
      assertTrue(other.name().startsWith("Task-"));
      assertEquals(2, loop.allTasks().size());
      assertEquals(2, loop.runUntilComplete(other));
      assertEquals(7, loop.runUntilComplete(named));
      assertTrue(loop.allTasks().isEmpty(), "done tasks leave allTasks");
      named.setName("renamed");
      assertEquals("renamed", named.name());
    }
  }

  @BackendTest
  void gatherCollectsResultsInOrderAndFailsOnTheFirstFailure(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<List<Integer>> all =
          loop.gather(
              List.of(
                  loop.sleep(Duration.ofMillis(15), 1),
                  loop.sleep(Duration.ofMillis(5), 2),
                  loop.sleep(Duration.ZERO, 3)));
      assertEquals(List.of(1, 2, 3), loop.runUntilComplete(all));
      Future<Integer> bad = loop.createFuture();
      loop.callSoon(() -> bad.setException(new IllegalStateException("no")));
      Future<List<Integer>> failing = loop.gather(List.of(loop.sleep(Duration.ofMillis(5), 1), bad));
      assertInstanceOf(
          IllegalStateException.class,
          assertThrows(CompletionException.class, () -> loop.runUntilComplete(failing)).getCause());
      assertEquals(List.of(), loop.runUntilComplete(loop.gather(List.of())));
    }
  }

  @BackendTest
  void cancellingGatherCancelsItsChildren(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> a = loop.sleep(Duration.ofHours(1), 1);
      Future<Integer> b = loop.sleep(Duration.ofHours(1), 2);
      Future<List<Integer>> both = loop.gather(List.of(a, b));
      loop.callSoon(both::cancel);
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(both));
      assertTrue(a.isCancelled());
      assertTrue(b.isCancelled());
    }
  }

  @BackendTest
  void waitForTimesOutAndCancelsTheInnerFuture(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> slow = loop.sleep(Duration.ofHours(1), 1);
      Future<Integer> limited = loop.waitFor(slow, Duration.ofMillis(10));
      Task<Object> t = loop.createTask(limited::join);
      Throwable e = assertThrows(Throwable.class, () -> loop.runUntilComplete(t));
      assertInstanceOf(TimeoutException.class, e.getCause(), "join wraps the checked TimeoutException");
      assertTrue(slow.isCancelled());
      assertEquals(5, loop.runUntilComplete(loop.waitFor(loop.sleep(Duration.ZERO, 5), Duration.ofSeconds(10))));
    }
  }

  @BackendTest
  void withTimeoutTurnsItsOwnCancellationIntoATimeout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> task =
          loop.createTask(
              () -> {
                try {
                  return loop.withTimeout(
                      Duration.ofMillis(10),
                      () -> {
                        loop.sleep(Duration.ofHours(1)).join();
                        return "slept";
                      });
                } catch (TimeoutException e) {
                  // The task is not cancelled afterwards: it can keep waiting.
                  return "timed out, then " + loop.sleep(Duration.ZERO, "still alive").join();
                }
              });
      assertEquals("timed out, then still alive", loop.runUntilComplete(task));
      Task<String> fast =
          loop.createTask(() -> loop.withTimeout(Duration.ofSeconds(10), () -> "fast"));
      assertEquals("fast", loop.runUntilComplete(fast));
    }
  }

  @BackendTest
  void aTaskCanWaitOnAnotherTask(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> inner = loop.createTask(() -> loop.sleep(Duration.ofMillis(5), 20).join() + 1);
      Task<Integer> outer = loop.createTask(() -> inner.join() * 2);
      assertEquals(42, loop.runUntilComplete(outer));
    }
  }

  @BackendTest
  void blockingSleepInATaskDoesNotBlockTheLoop(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> trace = new ArrayList<>();
      Task<Void> sleeper =
          loop.createTask(
              () -> {
                Thread.sleep(30); // parks the virtual thread; the loop keeps going
                trace.add("sleeper woke");
                return null;
              });
      loop.callLater(Duration.ofMillis(1), () -> trace.add("timer fired"));
      loop.runUntilComplete(sleeper);
      assertEquals(List.of("timer fired", "sleeper woke"), trace);
    }
  }

  @Test
  void eventLoopsRunRunsMainAndCancelsLeftoverTasks() {
    List<String> trace = new ArrayList<>();
    String result =
        EventLoops.run(
            () -> {
              EventLoop loop = EventLoops.runningLoop();
              assertEquals("main", EventLoops.currentTask().orElseThrow().name());
              loop.createTask(
                  () -> {
                    try {
                      loop.sleep(Duration.ofHours(1)).join();
                    } catch (CancellationException e) {
                      trace.add("leftover cancelled");
                      throw e;
                    }
                    return null;
                  });
              loop.sleep(Duration.ZERO).join();
              return "hello from a Java loop";
            });
    assertEquals("hello from a Java loop", result);
    assertEquals(List.of("leftover cancelled"), trace);
  }
}
