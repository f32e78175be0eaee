package zloop.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;
import zloop.Task;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** Facts of CPython's test_tasks.py (basics: results, order, sleep, names, cancel), ported. */
@Timeout(60)
class TasksConformanceTest {

  @BackendTest
  void aTaskCompletesWithItsBodysResult(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> t = loop.createTask(() -> "ok");
      assertFalse(t.isDone());
      assertEquals("ok", loop.runUntilComplete(t));
      assertTrue(t.isDone());
      assertFalse(t.isCancelled());
      assertEquals("ok", t.result());
    }
  }

  @BackendTest
  void aTaskFailsWithItsBodysException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalStateException boom = new IllegalStateException("boom");
      Task<String> t = loop.createTask(() -> {
        throw boom;
      });
      assertSame(boom, assertThrows(CompletionException.class, () -> loop.runUntilComplete(t)).getCause());
      assertSame(boom, t.exception());
      assertFalse(t.isCancelled());
    }
  }

  @BackendTest
  void aTaskBodyRunsOnTheLoopThreadWithTheLoopRunning(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Thread loopThread = Thread.currentThread();
      List<Object> seen = loop.runUntilComplete(() -> List.of(EventLoops.runningLoop(), EventLoops.currentTask().isPresent()));
      assertSame(loop, seen.get(0));
      assertEquals(true, seen.get(1));
      // the body's callbacks run on the carrier: a callSoon from the task runs on the loop thread
      Thread[] cbThread = {null};
      loop.runUntilComplete(() -> {
        Future<Void> done = loop.createFuture();
        loop.callSoon(() -> {
          cbThread[0] = Thread.currentThread();
          done.setResult(null);
        });
        return done.join();
      });
      assertSame(loopThread, cbThread[0]);
    }
  }

  @BackendTest
  void theBodyDoesNotRunInsideCreateTask(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> trace = new ArrayList<>();
      loop.callSoon(() -> {
        loop.createTask(() -> trace.add("body"));
        trace.add("after createTask");
      });
      Turns.briefly(loop);
      assertEquals(List.of("after createTask", "body"), trace);
    }
  }

  @BackendTest
  void tasksStartInCreationOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> started = new ArrayList<>();
      List<Task<Boolean>> tasks = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        tasks.add(loop.createTask(() -> started.add(n)));
      }
      loop.runUntilComplete(loop.gather(tasks));
      assertEquals(List.of(0, 1, 2, 3, 4), started);
    }
  }

  @BackendTest
  void sleepZeroYieldsOneTurnAndReturnsItsValue(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] result = {0};
      loop.runUntilComplete(() -> {
        loop.callSoon(() -> result[0] += 1);
        assertEquals(0, result[0]);
        int num = loop.sleep(Duration.ZERO, 10).join();
        assertEquals(1, result[0], "the callback ran while the task yielded");
        result[0] += num;
        return null;
      });
      assertEquals(11, result[0]);
    }
  }

  @BackendTest
  void twoTasksSleepingZeroInterleave(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> trace = new ArrayList<>();
      Task<Void> a = loop.createTask(() -> {
        for (int i = 0; i < 3; i++) {
          trace.add("a" + i);
          loop.sleep(Duration.ZERO).join();
        }
        return null;
      });
      Task<Void> b = loop.createTask(() -> {
        for (int i = 0; i < 3; i++) {
          trace.add("b" + i);
          loop.sleep(Duration.ZERO).join();
        }
        return null;
      });
      loop.runUntilComplete(loop.gather(List.of(a, b)));
      assertEquals(List.of("a0", "b0", "a1", "b1", "a2", "b2"), trace);
    }
  }

  @BackendTest
  void sleepReturnsTheGivenValueAfterTheDelay(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long start = loop.time();
      Task<String> t = loop.createTask(() -> {
        loop.sleep(Duration.ofMillis(5)).join();
        return loop.sleep(Duration.ofMillis(5), "yeah").join();
      });
      assertEquals("yeah", Turns.await(loop, t, "the sleeper"));
      assertTrue(loop.time() - start >= Duration.ofMillis(10).toNanos(), "slept both delays");
    }
  }

  @BackendTest
  void doneCallbacksOfATaskRunAfterItCompletes(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> trace = new ArrayList<>();
      Task<String> t = loop.createTask(() -> "r");
      t.addDoneCallback(x -> trace.add("cb " + x.result()));
      loop.runUntilComplete(t);
      Turns.briefly(loop);
      assertEquals(List.of("cb r"), trace);
    }
  }

  @BackendTest
  void tasksAreNamedTaskNUnlessNamedAndCanBeRenamed(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> auto = loop.createTask(() -> 1);
      assertTrue(auto.name().matches("Task-\\d+"), auto.name());
      Task<Integer> other = loop.createTask(() -> 2);
      assertNotEquals(auto.name(), other.name());
      Task<Integer> named = loop.createTask(() -> 3, "my-task");
      assertEquals("my-task", named.name());
      named.setName("renamed");
      assertEquals("renamed", named.name());
      assertTrue(named.toString().contains("renamed"), named.toString());
      loop.runUntilComplete(loop.gather(List.of(auto, other, named)));
    }
  }

  @BackendTest
  void aTaskAwaitingAnotherTaskGetsItsResult(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> outer = loop.createTask(() -> {
        Task<Integer> inner = loop.createTask(() -> {
          loop.sleep(Duration.ZERO).join();
          return 42;
        });
        return inner.join() + 1;
      });
      assertEquals(43, loop.runUntilComplete(outer));
    }
  }

  @BackendTest
  void anExceptionPropagatesThroughJoin(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalArgumentException boom = new IllegalArgumentException("inner");
      Task<String> outer = loop.createTask(() -> {
        Task<String> inner = loop.createTask(() -> {
          throw boom;
        });
        return inner.join();
      });
      assertSame(boom, assertThrows(CompletionException.class, () -> loop.runUntilComplete(outer)).getCause());
      assertSame(boom, outer.exception(), "the task fails with the inner exception, not join's wrapper");
    }
  }

  @BackendTest
  void aCheckedExceptionReachesTheAwaitingTaskWrapped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      TimeoutException checked = new TimeoutException("checked");
      Task<Throwable> outer = loop.createTask(() -> {
        Task<String> inner = loop.createTask(() -> {
          throw checked;
        });
        try {
          inner.join();
          return null;
        } catch (CompletionException e) {
          return e.getCause();
        }
      });
      assertSame(checked, loop.runUntilComplete(outer));
    }
  }

  @BackendTest
  void cancellingASleepingTaskEndsItCancelledAndASecondCancelReturnsFalse(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> t = loop.createTask(() -> {
        loop.sleep(Duration.ofSeconds(10)).join();
        return 12;
      });
      loop.callSoon(t::cancel);
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
      assertTrue(t.isDone());
      assertTrue(t.isCancelled());
      assertFalse(t.cancel());
    }
  }

  @BackendTest
  void cancelOfAFinishedTaskReturnsFalse(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> t = loop.createTask(() -> 1);
      loop.runUntilComplete(t);
      assertFalse(t.cancel());
      assertFalse(t.isCancelled());
      assertEquals(1, t.result());
    }
  }

  @BackendTest
  void aTaskCancelledBeforeItsFirstStepNeverRunsItsBody(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] ran = {false};
      Task<Integer> t = loop.createTask(() -> {
        ran[0] = true;
        return 1;
      });
      assertTrue(t.cancel());
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
      assertTrue(t.isCancelled());
      assertFalse(ran[0]);
    }
  }

  @BackendTest
  void theAwaiterOfACancelledSleepingTaskSeesTheCancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      String outcome = loop.runUntilComplete(() -> {
        Task<Void> sleeper = loop.createTask(() -> loop.sleep(Duration.ofSeconds(5000)).join());
        loop.callLater(Duration.ofMillis(10), sleeper::cancel);
        try {
          sleeper.join();
          return "slept in";
        } catch (CancellationException e) {
          return "cancelled";
        }
      });
      assertEquals("cancelled", outcome);
    }
  }

  @BackendTest
  void cancellingCountsPendingRequests(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Void> t = loop.createTask(() -> loop.sleep(Duration.ofSeconds(10)).join());
      assertEquals(0, t.cancelling());
      assertTrue(t.cancel());
      assertEquals(1, t.cancelling());
      assertTrue(t.cancel(), "a second request on a pending task is accepted");
      assertEquals(2, t.cancelling());
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
    }
  }

  @BackendTest
  void uncancelWithdrawsARequestSoTheTaskCanGoOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> t = loop.createTask(() -> {
        try {
          loop.sleep(Duration.ofSeconds(10)).join();
        } catch (CancellationException e) {
          EventLoops.currentTask().orElseThrow().uncancel();
          loop.sleep(Duration.ofSeconds(10)).join();
        }
        return "not cancelled";
      });
      loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
      assertTrue(t.cancel());
      assertEquals(1, t.cancelling());
      assertFalse(t.isCancelled());
      loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
      assertEquals(0, t.cancelling(), "after uncancel()");
      assertFalse(t.isDone());
      assertTrue(t.cancel());
      assertEquals(1, t.cancelling());
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
      assertTrue(t.isCancelled());
      t.uncancel();
      assertTrue(t.isCancelled(), "uncancel after completion changes nothing");
    }
  }

  @BackendTest
  void aTaskThatCatchesTheCancellationAndReturnsIsNotCancelled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> t = loop.createTask(() -> {
        try {
          loop.sleep(Duration.ofSeconds(10)).join();
          return 1;
        } catch (CancellationException e) {
          return 42;
        }
      });
      loop.callSoon(t::cancel);
      assertEquals(42, loop.runUntilComplete(t));
      assertFalse(t.isCancelled());
    }
  }

  @BackendTest
  void cancellingTheFutureATaskWaitsOnCancelsTheTask(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      Task<Integer> t = loop.createTask(() -> f.join() + 12);
      Turns.briefly(loop);
      f.cancel();
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
      assertTrue(f.isCancelled());
      assertTrue(t.isCancelled());
    }
  }

  @BackendTest
  void cancellingBothTheTaskAndItsFutureEndsCancelled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      Task<Integer> t = loop.createTask(() -> f.join() + 12);
      Turns.briefly(loop);
      f.cancel();
      t.cancel();
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
      assertTrue(f.isDone());
      assertTrue(t.isCancelled());
    }
  }

  @BackendTest
  void cancellingATaskCancelsTheFutureItWaitsOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      Task<Integer> t = loop.createTask(() -> f.join());
      Turns.briefly(loop);
      t.cancel();
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
      assertTrue(f.isCancelled());
    }
  }

  @BackendTest
  void aTaskRejectsSetResultAndSetException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> t = loop.createTask(() -> "ko");
      assertThrows(IllegalStateException.class, () -> t.setResult("ok"));
      assertThrows(IllegalStateException.class, () -> t.setException(new IllegalArgumentException()));
      assertEquals("ko", loop.runUntilComplete(t));
    }
  }

  @BackendTest
  void aTaskAwaitingItselfFails(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      @SuppressWarnings("unchecked")
      Task<Object>[] self = new Task[1];
      self[0] = loop.createTask(() -> self[0].join());
      Throwable t = Turns.awaitFailure(loop, self[0], "a task that joins itself", Duration.ofSeconds(5));
      assertTrue(t instanceof IllegalStateException, String.valueOf(t));
    }
  }

  @BackendTest
  void stopFromATaskEndsRunUntilCompleteAndTheTaskStaysPending(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] x = {0};
      Task<Void> t = loop.createTask(() -> {
        while (x[0] < 10) {
          loop.sleep(Duration.ofMillis(1)).join();
          x[0]++;
          if (x[0] == 2) {
            loop.stop();
          }
        }
        return null;
      });
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(t));
      assertEquals("Event loop stopped before Future completed.", e.getMessage());
      assertFalse(t.isDone());
      assertEquals(2, x[0]);
      t.cancel();
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
    }
  }

  @BackendTest
  void allTasksListsPendingTasksOnly(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> quick = loop.createTask(() -> 1);
      Task<Void> slow = loop.createTask(() -> loop.sleep(Duration.ofSeconds(10)).join());
      assertTrue(loop.allTasks().containsAll(List.of(quick, slow)));
      loop.runUntilComplete(quick);
      assertFalse(loop.allTasks().contains(quick));
      assertTrue(loop.allTasks().contains(slow));
      slow.cancel();
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(slow));
      assertFalse(loop.allTasks().contains(slow));
    }
  }

  @BackendTest
  void aTaskBelongsToTheLoopThatCreatedIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Integer> t = loop.createTask(() -> 1);
      assertSame(loop, t.loop());
      loop.runUntilComplete(t);
    }
  }
}
