package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.LockTest.yieldTurn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Task;
import zloop.sync.BoundedSemaphore;
import zloop.sync.Held;
import zloop.sync.Semaphore;

/** {@code Semaphore}, {@code BoundedSemaphore}: facts from CPython's test_locks.py (SemaphoreTests). */
@Timeout(60)
class SemaphoreTest {

  private static Task<Boolean> acquirer(EventLoop loop, Semaphore sem, List<Integer> result, int tag) {
    return loop.createTask(
        () -> {
          sem.acquire().join();
          result.add(tag);
          return true;
        });
  }

  /** test_initial_value_zero, test_semaphore_value: a negative value is refused; zero is locked. */
  @BackendTest
  void theInitialValueIsCheckedAndZeroIsLocked(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      assertThrows(IllegalArgumentException.class, () -> loop.createSemaphore(-1));
      assertThrows(IllegalArgumentException.class, () -> loop.createBoundedSemaphore(-1));
      assertTrue(loop.createSemaphore(0).locked());
    }
  }

  /** test_repr, test_semaphore: the value and the waiters show in toString. */
  @BackendTest
  void theSemaphoreShowsItsValueAndWaiters(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Semaphore sem = loop.createSemaphore(1);
      assertEquals("Semaphore[unlocked, value:1]", sem.toString());
      loop.runUntilComplete(
          () -> {
            sem.acquire().join();
            assertEquals("Semaphore[locked]", sem.toString());
            assertEquals(0, sem.available());
            loop.createTask(() -> sem.acquire().join());
            yieldTurn(loop);
            assertEquals("Semaphore[locked, waiters:1]", sem.toString());
            sem.release();
            yieldTurn(loop);
            sem.release();
            return null;
          });
      assertEquals("Semaphore[unlocked, value:1]", sem.toString());
    }
  }

  /** test_acquire: three permits, five takers; releases let the rest in, in order. */
  @BackendTest
  void takersGetPermitsInOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Semaphore sem = loop.createSemaphore(3);
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            sem.acquire().join();
            sem.acquire().join();
            assertFalse(sem.locked());
            List<Task<Boolean>> t = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
              t.add(acquirer(loop, sem, result, i));
            }
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            assertTrue(sem.locked());
            assertEquals(3, waiters(sem));
            Task<Boolean> t5 = acquirer(loop, sem, result, 5);
            sem.release();
            sem.release();
            yieldTurn(loop);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(t.get(0).isDone() && t.get(1).isDone() && t.get(2).isDone());
            assertFalse(t.get(3).isDone());
            t.get(3).cancel();
            t5.cancel();
            assertThrows(CancellationException.class, t.get(3)::join);
            assertThrows(CancellationException.class, t5::join);
            assertEquals("Semaphore[locked]", sem.toString());
            return null;
          });
    }
  }

  private static int waiters(Semaphore sem) {
    String s = sem.toString();
    int at = s.indexOf("waiters:");
    return at < 0 ? 0 : Integer.parseInt(s.substring(at + 8, s.length() - 1));
  }

  /** test_acquire_cancel: a cancelled acquire leaves no waiter. */
  @BackendTest
  void aCancelledAcquireLeavesNoWaiter(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Semaphore sem = loop.createSemaphore(1);
      loop.runUntilComplete(
          () -> {
            sem.acquire().join();
            Task<Void> acquire = loop.createTask(() -> sem.acquire().join());
            loop.callSoon(acquire::cancel);
            assertThrows(CancellationException.class, acquire::join);
            assertEquals(0, waiters(sem));
            return null;
          });
    }
  }

  /**
   * test_acquire_cancel_before_awoken, test_acquire_hang: waiters cancelled in the turn of a
   * release are skipped; the one permit goes to the first live waiter only.
   */
  @BackendTest
  void waitersCancelledBeforeAReleaseAreSkipped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Semaphore sem = loop.createSemaphore(0);
      loop.runUntilComplete(
          () -> {
            List<Task<Void>> t = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
              t.add(loop.createTask(() -> sem.acquire().join()));
            }
            yieldTurn(loop);
            t.get(0).cancel();
            t.get(1).cancel();
            sem.release();
            yieldTurn(loop);
            yieldTurn(loop);
            assertTrue(t.get(2).isDone() && !t.get(2).isCancelled());
            assertFalse(t.get(3).isDone());
            assertTrue(sem.locked());
            t.get(3).cancel();
            assertThrows(CancellationException.class, t.get(3)::join);
            return null;
          });
    }
  }

  /**
   * asyncio's Semaphore.acquire "undo the bookkeeping" branch: a permit handed to a waiter whose
   * task is cancelled before it resumes goes on to the next waiter.
   */
  @BackendTest
  void aPermitHandedToACancelledWaiterGoesToTheNext(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Semaphore sem = loop.createSemaphore(0);
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            Task<Boolean> t1 = acquirer(loop, sem, result, 1);
            Task<Boolean> t2 = acquirer(loop, sem, result, 2);
            yieldTurn(loop);
            sem.release(); // to t1 ...
            t1.cancel(); // ... cancelled before it runs
            assertThrows(CancellationException.class, t1::join);
            assertTrue(t2.join());
            assertEquals(List.of(2), result);
            assertEquals("Semaphore[locked]", sem.toString());
            return null;
          });
    }
  }

  /** test_acquire_no_hang: a holder cancelling a waiter does not leave the semaphore stuck. */
  @BackendTest
  void cancellingAWaiterFromTheHolderDoesNotHang(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Semaphore sem = loop.createSemaphore(1);
      loop.runUntilComplete(
          () -> {
            Task<?>[] t2 = {null};
            Task<Void> t1 =
                loop.createTask(
                    () -> {
                      try (Held held = sem.hold()) {
                        yieldTurn(loop);
                      }
                      t2[0].cancel();
                      return null;
                    });
            t2[0] =
                loop.createTask(
                    () -> {
                      try (Held held = sem.hold()) {
                        throw new AssertionError("t2 must not get the permit");
                      }
                    });
            List<Object> r = loop.gather(List.of(t1, t2[0]), true).join();
            assertNull(r.get(0));
            assertInstanceOf(CancellationException.class, r.get(1));
            sem.acquire().join();
            return null;
          });
    }
  }

  /** test_release_not_acquired, test_release_no_waiters: a bounded semaphore refuses an extra release. */
  @BackendTest
  void aBoundedSemaphoreRefusesAReleaseAboveItsBound(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      BoundedSemaphore bounded = loop.createBoundedSemaphore(1);
      IllegalStateException e = assertThrows(IllegalStateException.class, bounded::release);
      assertEquals("BoundedSemaphore released too many times", e.getMessage());
      Semaphore sem = loop.createSemaphore(1);
      loop.runUntilComplete(
          () -> {
            sem.acquire().join();
            assertTrue(sem.locked());
            sem.release();
            assertFalse(sem.locked());
            bounded.acquire().join();
            bounded.release();
            return null;
          });
      assertThrows(IllegalStateException.class, bounded::release);
      sem.release(); // a plain semaphore grows past its initial value
      assertEquals(2, sem.available());
    }
  }

  /** test_acquire_fifo_order: three tasks taking turns twice keep their order. */
  @BackendTest
  void tasksTakingTurnsKeepTheirOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Semaphore sem = loop.createSemaphore(1);
      List<String> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (String tag : List.of("c1", "c2", "c3")) {
              tasks.add(
                  loop.createTask(
                      () -> {
                        for (int round = 1; round <= 2; round++) {
                          sem.acquire().join();
                          result.add(tag + "_" + round);
                          yieldTurn(loop);
                          sem.release();
                        }
                        return null;
                      }));
            }
            loop.gather(tasks).join();
            return null;
          });
      assertEquals(List.of("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"), result);
    }
  }

  /** test_acquire_fifo_order_2, _3: release order follows the queue; a cancelled waiter is skipped. */
  @BackendTest
  void releasesServeTheQueueInOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Semaphore sem = loop.createSemaphore(0);
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            Task<Boolean> t1 = acquirer(loop, sem, result, 1);
            Task<Boolean> t2 = acquirer(loop, sem, result, 2);
            Task<Boolean> t3 = acquirer(loop, sem, result, 3);
            yieldTurn(loop);
            t1.cancel();
            yieldTurn(loop);
            sem.release();
            sem.release();
            loop.gather(List.of(t1, t2, t3), true).join();
            return null;
          });
      assertEquals(List.of(2, 3), result);
    }
  }
}
