package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.LockTest.yieldTurn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.Task;
import zloop.sync.Barrier;
import zloop.sync.BrokenBarrierException;

/** {@code zloop.sync.Barrier}: facts from CPython's test_locks.py (BarrierTests). */
@Timeout(60)
class BarrierTest {
  private static final int N = 5;

  private static List<Task<Integer>> parties(EventLoop loop, Barrier barrier, int n) {
    List<Task<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(loop.createTask(() -> barrier.await().join()));
    }
    return tasks;
  }

  /** test_barrier, test_context_manager: every party gets a distinct index 0..N-1. */
  @BackendTest
  void everyPartyGetsADistinctIndex(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Barrier barrier = loop.createBarrier(N);
      List<Integer> indices = loop.runUntilComplete(loop.gather(parties(loop, barrier, N)));
      assertEquals(List.of(0, 1, 2, 3, 4), indices.stream().sorted().toList());
      assertEquals(0, barrier.waiting());
      assertFalse(barrier.isBroken());
    }
  }

  /** test_barrier_parties: fewer than one party is refused. */
  @BackendTest
  void partiesMustBeAtLeastOne(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      assertThrows(IllegalArgumentException.class, () -> loop.createBarrier(0));
      assertThrows(IllegalArgumentException.class, () -> loop.createBarrier(-10));
      assertEquals(10, loop.createBarrier(10).parties());
    }
  }

  /** test_filling_one_task, test_filling_one_task_twice: a one-party barrier never waits. */
  @BackendTest
  void aOnePartyBarrierNeverWaits(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Barrier barrier = loop.createBarrier(1);
      Future<Integer> first = barrier.await();
      Future<Integer> second = barrier.await();
      assertTrue(first.isDone() && second.isDone());
      assertEquals(0, first.result());
      assertEquals(0, second.result());
      assertEquals(0, barrier.waiting());
    }
  }

  /** test_filling_task_by_task, test_repr: the waiting count rises until the round fills. */
  @BackendTest
  void theWaitingCountRisesUntilTheRoundFills(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Barrier barrier = loop.createBarrier(3);
      loop.runUntilComplete(
          () -> {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
              tasks.addAll(parties(loop, barrier, 1));
              yieldTurn(loop);
              assertEquals(i % 3, barrier.waiting());
              if (i < 3) {
                assertEquals("Barrier[filling, waiters:" + i + "/3]", barrier.toString());
              }
            }
            assertEquals(List.of(0, 1, 2), loop.gather(tasks).join());
            return null;
          });
    }
  }

  /** test_filling_tasks_wait_twice, test_filling_tasks_check_return_value: rounds repeat. */
  @BackendTest
  void partiesCanWaitRoundAfterRound(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Barrier barrier = loop.createBarrier(N);
      List<Boolean> results = new ArrayList<>();
      List<Task<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        tasks.add(
            loop.createTask(
                () -> {
                  barrier.await().join();
                  results.add(true);
                  int index = barrier.await().join();
                  results.add(false);
                  return index;
                }));
      }
      List<Integer> second = loop.runUntilComplete(loop.gather(tasks));
      assertEquals(List.of(0, 1, 2, 3, 4), second.stream().sorted().toList());
      assertEquals(N, results.stream().filter(b -> b).count());
      assertEquals(N, results.stream().filter(b -> !b).count());
      assertEquals(0, barrier.waiting());
    }
  }

  /** test_filling_tasks_cancel_one: a party cancelled before the round fills leaves it. */
  @BackendTest
  void aCancelledPartyLeavesTheRound(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Barrier barrier = loop.createBarrier(3);
      loop.runUntilComplete(
          () -> {
            Task<Integer> t1 = parties(loop, barrier, 1).get(0);
            yieldTurn(loop);
            Task<Integer> t2 = parties(loop, barrier, 1).get(0);
            yieldTurn(loop);
            assertEquals(2, barrier.waiting());
            t1.cancel();
            yieldTurn(loop);
            assertEquals(1, barrier.waiting());
            assertThrows(CancellationException.class, t1::join);
            Task<Integer> t3 = parties(loop, barrier, 1).get(0);
            yieldTurn(loop);
            assertEquals(2, barrier.waiting());
            Task<Integer> t4 = parties(loop, barrier, 1).get(0);
            List<Integer> indices = loop.gather(List.of(t2, t3, t4)).join();
            assertEquals(List.of(0, 1, 2), indices);
            assertEquals(0, barrier.waiting());
            assertFalse(barrier.isBroken());
            return null;
          });
    }
  }

  /**
   * test_reset_barrier, test_reset_barrier_while_tasks_waiting: a reset breaks the waits of the
   * round under way, and the barrier then works again.
   */
  @BackendTest
  void aResetBreaksTheWaitingRoundAndTheBarrierWorksAgain(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Barrier barrier = loop.createBarrier(N);
      barrier.reset();
      assertFalse(barrier.isBroken());
      loop.runUntilComplete(
          () -> {
            List<Task<Integer>> waiting = parties(loop, barrier, N - 1);
            yieldTurn(loop);
            assertEquals(N - 1, barrier.waiting());
            barrier.reset();
            List<Object> outcomes = loop.gather(waiting, true).join();
            for (Object o : outcomes) {
              assertInstanceOf(BrokenBarrierException.class, o);
            }
            assertEquals(0, barrier.waiting());
            assertFalse(barrier.isBroken());
            assertEquals(N, loop.gather(parties(loop, barrier, N)).join().size());
            return null;
          });
    }
  }

  /**
   * test_abort_barrier, test_abort_barrier_when_exception_then_resetting: an abort breaks the
   * barrier for waiting and later parties until a reset.
   */
  @BackendTest
  void anAbortBreaksTheBarrierUntilAReset(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Barrier barrier = loop.createBarrier(N);
      loop.runUntilComplete(
          () -> {
            List<Task<Integer>> waiting = parties(loop, barrier, 2);
            yieldTurn(loop);
            barrier.abort();
            assertTrue(barrier.isBroken());
            assertEquals("Barrier[broken]", barrier.toString());
            for (Object o : loop.gather(waiting, true).join()) {
              assertInstanceOf(BrokenBarrierException.class, o);
            }
            BrokenBarrierException e =
                JoinFailure.assertJoinFails(BrokenBarrierException.class, () -> barrier.await().join());
            assertEquals("Barrier aborted", e.getMessage());
            barrier.reset();
            assertFalse(barrier.isBroken());
            assertEquals(N, loop.gather(parties(loop, barrier, N)).join().size());
            return null;
          });
    }
  }
}
