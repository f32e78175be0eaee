package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoopClosedException;
import zloop.EventLoops;
import zloop.Future;
import zloop.Task;

/** Task cancellation, current task and loop close, as asyncio's tasks and base_events define them. */
@Timeout(60)
class TaskCancelSemanticsTest {

  /** asyncio's __step: a coroutine that returns while a cancel is pending ends cancelled. */
  @BackendTest
  void aTaskThatCancelsItselfAndReturnsIsCancelled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<?>[] self = {null};
      Task<Integer> task =
          loop.createTask(
              () -> {
                assertTrue(self[0].cancel("self"));
                return 12;
              });
      self[0] = task;
      CancellationException e = assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertTrue(task.isCancelled());
      assertEquals("self", e.getMessage());
    }
  }

  /** Cancelled twice while waiting: the first cancel already cancelled the awaited future. */
  @BackendTest
  void twoCancelsWhileWaitingTheFirstMessageWins(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> inner = loop.createFuture();
      Task<String> task = loop.createTask(inner::join);
      loop.runUntilComplete(loop.sleep(Duration.ZERO));
      assertTrue(task.cancel("first"));
      assertTrue(task.cancel("second"));
      assertEquals(2, task.cancelling());
      CancellationException e = assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertEquals("first", e.getMessage());
      assertEquals("first", assertThrows(CancellationException.class, inner::result).getMessage());
    }
  }

  /** Cancelled twice before its first step: asyncio keeps the latest message. */
  @BackendTest
  void twoCancelsBeforeTheFirstStepTheLastMessageWins(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> task = loop.createTask(() -> "never");
      task.cancel("first");
      task.cancel("second");
      CancellationException e = assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertEquals("second", e.getMessage());
    }
  }

  @BackendTest
  void aCancelMessageReachesTheTaskAndItsJoiners(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> seenInside = new ArrayList<>();
      Task<String> task =
          loop.createTask(
              () -> {
                try {
                  return loop.sleep(Duration.ofHours(1), "slept").join();
                } catch (CancellationException e) {
                  seenInside.add(e.getMessage());
                  throw e;
                }
              });
      loop.callSoon(() -> task.cancel("my message"));
      CancellationException e = assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertEquals("my message", e.getMessage());
      assertEquals(List.of("my message"), seenInside);
      assertEquals("my message", assertThrows(CancellationException.class, task::result).getMessage());
    }
  }

  @BackendTest
  void cancelOnADoneTaskReturnsFalseAndCountsNothing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> task = loop.createTask(() -> 5);
      assertEquals(5, loop.runUntilComplete(task));
      assertFalse(task.cancel("late"));
      assertEquals(0, task.cancelling());
      assertEquals(5, task.result());
    }
  }

  /** uncancel() withdraws a request; a task that uncancels to zero goes on normally. */
  @BackendTest
  void uncancelLetsATaskCarryOnAfterACaughtCancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<?>[] self = {null};
      List<Integer> counts = new ArrayList<>();
      Task<String> task =
          loop.createTask(
              () -> {
                try {
                  loop.sleep(Duration.ofHours(1)).join();
                } catch (CancellationException e) {
                  counts.add(self[0].cancelling());
                  counts.add(self[0].uncancel());
                }
                return loop.sleep(Duration.ofMillis(1), "carried on").join();
              });
      self[0] = task;
      loop.callSoon(task::cancel);
      assertEquals("carried on", loop.runUntilComplete(task));
      assertEquals(List.of(1, 0), counts);
      assertFalse(task.isCancelled());
    }
  }

  /** uncancel() to zero before the cancel is delivered withdraws it (Python 3.13's rule). */
  @BackendTest
  void uncancelToZeroBeforeDeliveryWithdrawsThePendingCancel(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> task = loop.createTask(() -> loop.sleep(Duration.ZERO, "ran").join());
      task.cancel();
      assertEquals(0, task.uncancel());
      assertEquals("ran", loop.runUntilComplete(task));
    }
  }

  @BackendTest
  void cancellingATaskCancelsTheFutureItWaitsOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> inner = loop.createFuture();
      Task<String> task = loop.createTask(inner::join);
      loop.callSoon(() -> loop.callSoon(task::cancel));
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertTrue(inner.isCancelled());
    }
  }

  @BackendTest
  void currentTaskIsTheRunningTaskAndEmptyOutsideOne(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Object> seen = new ArrayList<>();
      Task<Void> a = loop.createTask(() -> {
        seen.add(EventLoops.currentTask().orElse(null));
        loop.sleep(Duration.ZERO).join();
        seen.add(EventLoops.currentTask().orElse(null));
        return null;
      }, "a");
      Task<Void> b = loop.createTask(() -> {
        seen.add(EventLoops.currentTask().orElse(null));
        return null;
      }, "b");
      loop.callSoon(() -> seen.add(EventLoops.currentTask().orElse(null)));
      loop.runUntilComplete(a);
      assertEquals(4, seen.size());
      assertEquals(a, seen.get(0));
      assertEquals(b, seen.get(1));
      assertNull(seen.get(2), "a plain callback runs in no task");
      assertEquals(a, seen.get(3));
      assertTrue(EventLoops.currentTask().isEmpty());
    }
  }

  @BackendTest
  void allTasksListsOnlyPendingTasks(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> quick = loop.createTask(() -> 1);
      Task<Integer> slow = loop.createTask(() -> loop.sleep(Duration.ofMillis(2), 2).join());
      assertEquals(2, loop.allTasks().size());
      loop.runUntilComplete(quick);
      assertEquals(java.util.Set.of(slow), loop.allTasks());
      loop.runUntilComplete(slow);
      assertTrue(loop.allTasks().isEmpty());
    }
  }

  @BackendTest
  void closeIsIdempotentAndRefusedWhileRunning(String backend) {
    EventLoop loop = Backends.open(backend);
    IllegalStateException[] refused = {null};
    loop.callSoon(
        () -> {
          try {
            loop.close();
          } catch (IllegalStateException e) {
            refused[0] = e;
          }
          loop.stop();
        });
    loop.runForever();
    assertTrue(refused[0] != null && refused[0].getMessage().contains("running"));
    assertFalse(loop.isClosed());
    loop.close();
    loop.close();
    assertTrue(loop.isClosed());
  }

  @BackendTest
  void aClosedLoopRefusesNewTasksAndRuns(String backend) {
    EventLoop loop = Backends.open(backend);
    Future<String> f = loop.createFuture();
    loop.close();
    assertThrows(EventLoopClosedException.class, () -> loop.createTask(() -> "x"));
    assertThrows(EventLoopClosedException.class, () -> loop.runUntilComplete(f));
    assertThrows(EventLoopClosedException.class, loop::runForever);
  }

  /** A foreign thread joining a plain future of a closed loop gets a clear error, not a hang. */
  @BackendTest
  void joiningAPendingFutureOfAClosedLoopFailsClearly(String backend) throws Exception {
    EventLoop loop = Backends.open(backend);
    Future<String> f = loop.createFuture();
    loop.close();
    Throwable[] failure = {null};
    Thread joiner = Thread.ofPlatform().start(() -> {
      try {
        f.join();
      } catch (Throwable t) {
        failure[0] = t;
      }
    });
    joiner.join();
    assertTrue(failure[0] instanceof EventLoopClosedException, () -> String.valueOf(failure[0]));
  }
}
