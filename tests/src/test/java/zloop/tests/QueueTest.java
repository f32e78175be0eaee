package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.LockTest.yieldTurn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.Task;
import zloop.TaskGroup;
import zloop.sync.Queue;
import zloop.sync.QueueEmptyException;
import zloop.sync.QueueFullException;
import zloop.sync.QueueShutDownException;

/** {@code zloop.sync.Queue}: facts from CPython's test_queues.py (3.13). */
@Timeout(60)
class QueueTest {

  /** The three kinds, for the facts test_queues.py checks on each (join and shutdown mixins). */
  private static List<Function<EventLoop, Queue<String>>> kinds() {
    return List.of(
        loop -> loop.createQueue(0),
        loop -> loop.createLifoQueue(0),
        loop -> loop.createPriorityQueue(0, Comparator.naturalOrder()));
  }

  /** test_empty, test_full, test_repr/test_format. */
  @BackendTest
  void emptyFullAndSize(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(0);
      assertTrue(q.isEmpty());
      assertFalse(q.isFull());
      q.putNowait(1);
      assertFalse(q.isEmpty());
      assertEquals(1, q.size());
      assertEquals(1, q.getNowait());
      assertTrue(q.isEmpty());
      assertEquals("Queue[maxsize=0, size=0, tasks=1]", q.toString());
      Queue<Integer> bounded = loop.createQueue(1);
      assertFalse(bounded.isFull());
      bounded.putNowait(1);
      assertTrue(bounded.isFull());
      assertEquals(1, bounded.maxsize());
    }
  }

  /** test_order (Queue, LifoQueue, PriorityQueue): which item a get takes. */
  @BackendTest
  void eachKindGivesItsOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> items = List.of(1, 3, 2);
      List<List<Integer>> expected = List.of(List.of(1, 3, 2), List.of(2, 3, 1), List.of(1, 2, 3));
      List<Queue<Integer>> queues =
          List.of(
              loop.createQueue(0),
              loop.createLifoQueue(0),
              loop.createPriorityQueue(0, Comparator.naturalOrder()));
      for (int k = 0; k < 3; k++) {
        Queue<Integer> q = queues.get(k);
        items.forEach(q::putNowait);
        List<Integer> got = new ArrayList<>();
        while (!q.isEmpty()) {
          got.add(q.getNowait());
        }
        assertEquals(expected.get(k), got);
      }
    }
  }

  /** test_maxsize: a put on a full queue waits until a get frees a slot. */
  @BackendTest
  void aPutOnAFullQueueWaitsForAGet(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(2);
      List<Integer> have = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            Task<Void> putter =
                loop.createTask(
                    () -> {
                      for (int i = 0; i < 3; i++) {
                        q.put(i).join();
                        have.add(i);
                      }
                      return null;
                    });
            yieldTurn(loop);
            assertEquals(List.of(0, 1), have);
            assertTrue(q.isFull());
            assertEquals(0, q.get().join());
            putter.join();
            assertEquals(List.of(0, 1, 2), have);
            return null;
          });
    }
  }

  /** test_get_with_putters, test_get_with_waiting_putters: a get admits the first waiting putter. */
  @BackendTest
  void aGetAdmitsWaitingPuttersInOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<String> q = loop.createQueue(1);
      loop.runUntilComplete(
          () -> {
            Task<Void> a = loop.createTask(() -> q.put("a").join());
            Task<Void> b = loop.createTask(() -> q.put("b").join());
            assertEquals("a", q.get().join());
            assertEquals("b", q.get().join());
            a.join();
            b.join();
            return null;
          });
    }
  }

  /** test_nonblocking_get_exception, test_nonblocking_put_exception. */
  @BackendTest
  void theNowaitFormsRefuseWithQueueEmptyAndQueueFull(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(1);
      assertThrows(QueueEmptyException.class, q::getNowait);
      q.putNowait(1);
      assertThrows(QueueFullException.class, () -> q.putNowait(2));
      assertThrows(NullPointerException.class, () -> q.putNowait(null));
    }
  }

  /** test_blocking_get_wait, test_put_with_waiting_getters: a put hands the item to a waiting getter. */
  @BackendTest
  void aPutHandsTheItemToAWaitingGetter(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<String> q = loop.createQueue(0);
      loop.runUntilComplete(
          () -> {
            Task<String> t = loop.createTask(() -> q.get().join());
            yieldTurn(loop);
            q.put("a").join();
            assertTrue(q.isEmpty(), "handed over, never queued");
            assertEquals("a", t.join());
            return null;
          });
    }
  }

  /** test_get_cancelled_race: a cancelled getter is skipped; the next getter gets the item. */
  @BackendTest
  void aCancelledGetterIsSkipped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<String> q = loop.createQueue(0);
      loop.runUntilComplete(
          () -> {
            Task<String> t1 = loop.createTask(() -> q.get().join());
            Task<String> t2 = loop.createTask(() -> q.get().join());
            yieldTurn(loop);
            t1.cancel();
            yieldTurn(loop);
            assertTrue(t1.isDone());
            q.put("a").join();
            assertEquals("a", t2.join());
            return null;
          });
    }
  }

  /** test_cancelled_getters_not_being_held_in_self_getters: a timed-out get leaves no getter. */
  @BackendTest
  void aTimedOutGetLeavesNoGetter(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<String> q = loop.createQueue(5);
      loop.runUntilComplete(
          () -> {
            assertThrows(
                CompletionException.class, () -> loop.waitFor(q.get(), Duration.ofMillis(10)).join());
            assertEquals("Queue[maxsize=5, size=0]", q.toString());
            q.putNowait("x");
            assertEquals(1, q.size(), "no stale getter took the item");
            return null;
          });
    }
  }

  /**
   * test_get_cancel_drop_one_pending_reader: an item handed to a reader whose task is cancelled
   * before it runs is not dropped: the retry gets it first.
   */
  @BackendTest
  void anItemHandedToACancelledReaderIsNotDropped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(0);
      loop.runUntilComplete(
          () -> {
            Task<Integer> reader = loop.createTask(() -> q.get().join());
            yieldTurn(loop);
            q.putNowait(1);
            q.putNowait(2);
            reader.cancel();
            int result;
            try {
              result = reader.join();
            } catch (CancellationException e) {
              result = loop.createTask(() -> q.get().join()).join();
            }
            assertEquals(1, result, "getting 2 would mean 1 was dropped");
            return null;
          });
    }
  }

  /** test_get_cancel_drop_many_pending_readers: with readers cancelled mid-hand-over, no item is lost. */
  @BackendTest
  void noItemIsLostWhenOneOfManyReadersIsCancelled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(0);
      loop.runUntilComplete(
          () -> {
            List<Task<Integer>> readers = new ArrayList<>();
            try (TaskGroup tg = loop.taskGroup()) {
              for (int i = 0; i < 3; i++) {
                readers.add(tg.createTask(() -> q.get().join()));
              }
              yieldTurn(loop);
              q.putNowait(1);
              q.putNowait(2);
              readers.get(0).cancel();
              assertThrows(CancellationException.class, readers.get(0)::join);
              readers.get(2).join();
            }
            assertEquals(Set.of(1, 2), Set.of(readers.get(1).result(), readers.get(2).result()));
            return null;
          });
    }
  }

  /**
   * test_put_cancel_drop: a put admitted by a get, whose task is cancelled before it runs, is
   * taken back; the retry puts the item exactly once.
   */
  @BackendTest
  void aPutAdmittedToACancelledWriterIsTakenBack(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(1);
      loop.runUntilComplete(
          () -> {
            q.putNowait(1);
            Task<Void> writer = loop.createTask(() -> q.put(2).join());
            yieldTurn(loop);
            assertEquals(1, q.getNowait());
            writer.cancel();
            try {
              writer.join();
            } catch (CancellationException e) {
              loop.createTask(() -> q.put(2).join()).join();
            }
            assertEquals(2, q.getNowait());
            assertEquals(0, q.size());
            return null;
          });
    }
  }

  /** test_put_cancelled_race: a cancelled putter is skipped; the others put in order. */
  @BackendTest
  void aCancelledPutterIsSkipped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<String> q = loop.createQueue(1);
      loop.runUntilComplete(
          () -> {
            Task<Void> putA = loop.createTask(() -> q.put("a").join());
            Task<Void> putB = loop.createTask(() -> q.put("b").join());
            Task<Void> putC = loop.createTask(() -> q.put("X").join());
            yieldTurn(loop);
            assertTrue(putA.isDone());
            assertFalse(putB.isDone());
            putC.cancel();
            yieldTurn(loop);
            assertTrue(putC.isDone());
            assertEquals("a", q.getNowait());
            yieldTurn(loop);
            assertEquals("b", q.getNowait());
            putB.join();
            assertTrue(q.isEmpty());
            return null;
          });
    }
  }

  /**
   * test_cancelled_puts_not_being_held_in_self_putters, test_cancelled_put_silence_value_error:
   * a cancelled put leaves no putter; cancelling one already admitted is harmless.
   */
  @BackendTest
  void aCancelledPutLeavesNoPutter(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(1);
      loop.runUntilComplete(
          () -> {
            q.putNowait(1);
            Task<Void> put = loop.createTask(() -> q.put(1).join());
            yieldTurn(loop);
            assertEquals("Queue[maxsize=1, size=1, putters:1, tasks=1]", q.toString());
            put.cancel();
            assertThrows(CancellationException.class, put::join);
            assertEquals("Queue[maxsize=1, size=1, tasks=1]", q.toString());
            Task<Void> put2 = loop.createTask(() -> q.put(1).join());
            yieldTurn(loop);
            q.getNowait(); // admits put2
            put2.cancel(); // and its task is cancelled before it runs
            assertThrows(CancellationException.class, put2::join);
            assertEquals(0, q.size());
            return null;
          });
    }
  }

  /** test_why_are_getters_waiting, test_why_are_putters_waiting: producers and consumers finish. */
  @BackendTest
  void producersAndConsumersOnABoundedQueueFinish(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(1);
      loop.runUntilComplete(
          () -> {
            try (TaskGroup tg = loop.taskGroup()) {
              tg.createTask(
                  () -> {
                    for (int i = 0; i < 5; i++) {
                      q.put(i).join();
                    }
                    return null;
                  });
              tg.createTask(
                  () -> {
                    for (int i = 0; i < 5; i++) {
                      assertEquals(i, q.get().join());
                    }
                    return null;
                  });
            }
            Queue<Integer> q2 = loop.createQueue(2);
            try (TaskGroup tg = loop.taskGroup()) {
              tg.createTask(
                  () -> {
                    yieldTurn(loop);
                    for (int n = q2.size(); n > 0; n--) {
                      q2.getNowait();
                    }
                    return null;
                  });
              for (int i = 0; i < 4; i++) {
                int item = i;
                tg.createTask(() -> q2.put(item).join());
              }
            }
            assertEquals(2, q2.size());
            return null;
          });
    }
  }

  /** test_task_done_underflow, test_task_done, test_join_empty_queue (each kind). */
  @BackendTest
  void joinWaitsForEveryTaskDone(String backend) {
    for (Function<EventLoop, Queue<String>> kind : kinds()) {
      try (EventLoop loop = Backends.open(backend)) {
        Queue<String> q = kind.apply(loop);
        IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
        assertEquals("taskDone() called too many times", e.getMessage());
        assertTrue(q.join().isDone());
        for (int i = 0; i < 100; i++) {
          q.putNowait(String.format("%03d", i));
        }
        int[] accumulator = {0};
        boolean[] running = {true};
        loop.runUntilComplete(
            () -> {
              try (TaskGroup tg = loop.taskGroup()) {
                for (int w = 0; w < 2; w++) {
                  tg.createTask(
                      () -> {
                        while (running[0]) {
                          String item = q.get().join();
                          accumulator[0] += Integer.parseInt(item);
                          q.taskDone();
                        }
                        return null;
                      });
                }
                q.join().join();
                assertEquals(4950, accumulator[0]);
                running[0] = false;
                q.putNowait("000");
                q.putNowait("000");
              }
              q.join().join();
              return null;
            });
      }
    }
  }

  /** test_shutdown_empty: a pending get fails, join completes, put and get fail. */
  @BackendTest
  void shutdownOfAnEmptyQueue(String backend) {
    for (Function<EventLoop, Queue<String>> kind : kinds()) {
      try (EventLoop loop = Backends.open(backend)) {
        Queue<String> q = kind.apply(loop);
        loop.runUntilComplete(
            () -> {
              Task<String> getTask = loop.createTask(() -> q.get().join());
              yieldTurn(loop);
              q.shutdown();
              assertEquals(0, q.size());
              q.join().join();
              yieldTurn(loop);
              assertTrue(getTask.isDone());
              JoinFailure.assertJoinFails(QueueShutDownException.class, getTask::join);
              JoinFailure.assertJoinFails(QueueShutDownException.class, () -> q.put("data").join());
              assertThrows(QueueShutDownException.class, () -> q.putNowait("data"));
              JoinFailure.assertJoinFails(QueueShutDownException.class, () -> q.get().join());
              assertThrows(QueueShutDownException.class, q::getNowait);
              assertTrue(q.isShutDown());
              assertEquals("Queue[maxsize=0, size=0, shutdown]", q.toString());
              return null;
            });
      }
    }
  }

  /** test_shutdown_nonempty: pending puts fail, queued items can still be got, join waits for them. */
  @BackendTest
  void shutdownOfANonEmptyQueue(String backend) {
    for (Function<EventLoop, Queue<String>> kind : List.<Function<EventLoop, Queue<String>>>of(
        loop -> loop.createQueue(1),
        loop -> loop.createLifoQueue(1),
        loop -> loop.createPriorityQueue(1, Comparator.naturalOrder()))) {
      try (EventLoop loop = Backends.open(backend)) {
        Queue<String> q = kind.apply(loop);
        loop.runUntilComplete(
            () -> {
              q.putNowait("data");
              Future<Void> join = q.join();
              Task<Void> putTask = loop.createTask(() -> q.put("data2").join());
              yieldTurn(loop);
              assertFalse(putTask.isDone());
              q.shutdown(false);
              assertEquals(1, q.size());
              yieldTurn(loop);
              JoinFailure.assertJoinFails(QueueShutDownException.class, putTask::join);
              assertEquals("data", q.get().join());
              yieldTurn(loop);
              assertFalse(join.isDone());
              JoinFailure.assertJoinFails(QueueShutDownException.class, () -> q.put("data").join());
              assertThrows(QueueShutDownException.class, () -> q.putNowait("data"));
              JoinFailure.assertJoinFails(QueueShutDownException.class, () -> q.get().join());
              assertThrows(QueueShutDownException.class, q::getNowait);
              q.taskDone();
              join.join();
              assertThrows(IllegalStateException.class, q::taskDone);
              return null;
            });
      }
    }
  }

  /**
   * test_shutdown_immediate, test_shutdown_immediate_with_unfinished: the items are dropped and
   * count as done; an item already got still needs its taskDone.
   */
  @BackendTest
  void immediateShutdownDropsTheItems(String backend) {
    for (Function<EventLoop, Queue<String>> kind : kinds()) {
      try (EventLoop loop = Backends.open(backend)) {
        Queue<String> q = kind.apply(loop);
        Queue<String> q2 = kind.apply(loop);
        loop.runUntilComplete(
            () -> {
              q.putNowait("data");
              Future<Void> join = q.join();
              q.shutdown(true);
              assertEquals(0, q.size());
              join.join();
              JoinFailure.assertJoinFails(QueueShutDownException.class, () -> q.put("data").join());
              JoinFailure.assertJoinFails(QueueShutDownException.class, () -> q.get().join());
              assertThrows(QueueShutDownException.class, q::getNowait);
              assertThrows(IllegalStateException.class, q::taskDone);

              q2.putNowait("data");
              q2.putNowait("data");
              Future<Void> join2 = q2.join();
              assertEquals("data", q2.get().join());
              q2.shutdown(true);
              assertEquals(0, q2.size());
              yieldTurn(loop);
              assertFalse(join2.isDone());
              JoinFailure.assertJoinFails(QueueShutDownException.class, () -> q2.get().join());
              q2.taskDone();
              assertThrows(IllegalStateException.class, q2::taskDone);
              join2.join();
              return null;
            });
      }
    }
  }

  /**
   * An item handed to a getter whose task is then cancelled, after an immediate shutdown, is
   * dropped and counts as done, as asyncio's shutdown(immediate=True) drops what no getter took
   * yet (it used to go back into the shut-down queue and keep join() waiting).
   */
  @BackendTest
  void anItemGivenBackAfterAnImmediateShutdownIsDropped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<Integer> q = loop.createQueue(0);
      loop.runUntilComplete(
          () -> {
            Task<Integer> reader = loop.createTask(() -> q.get().join());
            yieldTurn(loop);
            q.putNowait(1); // handed to the reader, which has not resumed yet
            Future<Void> join = q.join();
            q.shutdown(true);
            reader.cancel();
            assertThrows(CancellationException.class, reader::join);
            assertEquals(0, q.size(), "the given-back item stays out of a drained queue");
            join.join(); // counted as done
            JoinFailure.assertJoinFails(QueueShutDownException.class, () -> q.get().join());
            return null;
          });
    }
  }

  /** shutdown(immediate) fails a getter that waits, at once. */
  @BackendTest
  void immediateShutdownFailsWaitingGettersAndPutters(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Queue<String> empty = loop.createQueue(0);
      Queue<String> full = loop.createQueue(1);
      full.putNowait("x");
      Future<String> getter = empty.get();
      Future<Void> putter = full.put("y");
      empty.shutdown(true);
      full.shutdown(true);
      Turns.runBriefly(loop);
      JoinFailure.assertJoinFails(QueueShutDownException.class, getter::result);
      JoinFailure.assertJoinFails(QueueShutDownException.class, putter::result);
    }
  }
}
