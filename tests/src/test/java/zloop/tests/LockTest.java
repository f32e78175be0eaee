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
import zloop.Future;
import zloop.Task;
import zloop.sync.Held;
import zloop.sync.Lock;

/** {@code zloop.sync.Lock}: facts from CPython's test_locks.py (LockTests) and test_pep492.py. */
@Timeout(60)
class LockTest {

  /** One turn for the calling task: asyncio's {@code await asyncio.sleep(0)}. */
  static void yieldTurn(EventLoop loop) {
    loop.sleep(Duration.ZERO).join();
  }

  /** A task that acquires the lock (blocking style) and records its tag. */
  private static Task<Boolean> acquirer(EventLoop loop, Lock lock, List<Integer> result, int tag) {
    return loop.createTask(
        () -> {
          lock.acquire().join();
          result.add(tag);
          return true;
        });
  }

  /** test_repr, test_lock: the state shows in toString and locked(). */
  @BackendTest
  void theLockShowsItsStateAndWaiters(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      assertEquals("Lock[unlocked]", lock.toString());
      assertFalse(lock.locked());
      loop.runUntilComplete(
          () -> {
            assertNull(lock.acquire().join());
            assertTrue(lock.locked());
            assertEquals("Lock[locked]", lock.toString());
            loop.createTask(() -> lock.acquire().join());
            yieldTurn(loop);
            assertEquals("Lock[locked, waiters:1]", lock.toString());
            lock.release(); // hands it to the waiter
            yieldTurn(loop);
            lock.release();
            return null;
          });
      assertFalse(lock.locked());
    }
  }

  /** test_acquire: waiters get the lock in the order they asked, one per release. */
  @BackendTest
  void waitersAcquireInFifoOrderOnePerRelease(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            Task<Boolean> t1 = acquirer(loop, lock, result, 1);
            Task<Boolean> t2 = acquirer(loop, lock, result, 2);
            yieldTurn(loop);
            assertEquals(List.of(), result);
            lock.release();
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            Task<Boolean> t3 = acquirer(loop, lock, result, 3);
            lock.release();
            yieldTurn(loop);
            assertEquals(List.of(1, 2), result);
            lock.release();
            yieldTurn(loop);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(t1.result() && t2.result() && t3.result());
            return null;
          });
    }
  }

  /** No barging: while a waiter is queued, a new acquire queues behind it even after a release. */
  @BackendTest
  void aNewAcquireQueuesBehindWaitersEvenRightAfterARelease(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            acquirer(loop, lock, result, 1);
            yieldTurn(loop);
            lock.release();
            Future<Void> late = lock.acquire(); // same step as the release: the waiter is first
            assertFalse(late.isDone());
            assertTrue(lock.locked());
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            lock.release();
            late.join();
            lock.release();
            return null;
          });
      assertFalse(lock.locked());
    }
  }

  /** test_acquire_cancel: a cancelled acquire leaves no waiter behind. */
  @BackendTest
  void aCancelledAcquireLeavesNoWaiter(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            Task<Void> task = loop.createTask(() -> lock.acquire().join());
            loop.callSoon(task::cancel);
            assertThrows(CancellationException.class, task::join);
            assertEquals("Lock[locked]", lock.toString());
            lock.release();
            return null;
          });
      assertFalse(lock.locked());
    }
  }

  /**
   * test_cancel_race: A holds the lock, B and C wait; B is cancelled in the same turn as A
   * releases: C gets the lock, B ends cancelled.
   */
  @BackendTest
  void aWaiterCancelledAsTheHolderReleasesLetsTheNextOneIn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      loop.runUntilComplete(
          () -> {
            Future<Void> blocker = loop.createFuture();
            Task<Void> ta = loop.createTask(() -> lockIt(lock, blocker));
            yieldTurn(loop);
            assertTrue(lock.locked());
            Task<Void> tb = loop.createTask(() -> lockIt(lock, null));
            yieldTurn(loop);
            Task<Void> tc = loop.createTask(() -> lockIt(lock, null));
            yieldTurn(loop);
            assertEquals("Lock[locked, waiters:2]", lock.toString());
            blocker.setResult(null);
            tb.cancel();
            tc.join();
            assertTrue(ta.isDone() && !ta.isCancelled());
            assertTrue(tb.isCancelled());
            return null;
          });
      assertFalse(lock.locked());
    }
  }

  private static Void lockIt(Lock lock, Future<Void> blocker) {
    lock.acquire().join();
    try {
      if (blocker != null) {
        blocker.join();
      }
    } finally {
      lock.release();
    }
    return null;
  }

  /**
   * test_cancel_release_race (bpo-32734): cancelling the first waiter and releasing in one
   * callback lets exactly one other waiter in.
   */
  @BackendTest
  void cancellingTheFirstWaiterAndReleasingLetsExactlyOneIn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      int[] lockCount = {0};
      int[] callCount = {0};
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
              tasks.add(
                  loop.createTask(
                      () -> {
                        callCount[0]++;
                        lock.acquire().join();
                        lockCount[0]++;
                        return null;
                      }));
            }
            yieldTurn(loop);
            loop.callSoon(
                () -> {
                  tasks.get(0).cancel();
                  lock.release();
                });
            assertThrows(CancellationException.class, tasks.get(0)::join);
            tasks.get(1).join();
            assertEquals(1, lockCount[0]);
            assertEquals(3, callCount[0]);
            tasks.get(2).cancel();
            assertThrows(CancellationException.class, tasks.get(2)::join);
            assertEquals("Lock[locked]", lock.toString());
            return null;
          });
    }
  }

  /** test_finished_waiter_cancelled: the first waiter cancelled before a release; the second wins. */
  @BackendTest
  void aReleaseSkipsAWaiterCancelledBeforeIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            Task<Void> tb = loop.createTask(() -> lock.acquire().join());
            yieldTurn(loop);
            Task<Void> tc = loop.createTask(() -> lock.acquire().join());
            tb.cancel();
            lock.release();
            yieldTurn(loop);
            assertTrue(lock.locked());
            assertTrue(tb.isCancelled());
            tc.join();
            lock.release();
            return null;
          });
    }
  }

  /**
   * The wake-up race asyncio's Lock.acquire guards with its {@code except CancelledError} branch:
   * the lock was handed to B, and B's task is cancelled before it runs. B sees the cancellation and
   * the lock goes on to C, not lost.
   */
  @BackendTest
  void aWaiterCancelledAfterBeingHandedTheLockPassesItOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            Task<Boolean> tb = acquirer(loop, lock, result, 2);
            Task<Boolean> tc = acquirer(loop, lock, result, 3);
            yieldTurn(loop);
            lock.release(); // hands the lock to B ...
            tb.cancel(); // ... whose task is cancelled before it resumes
            assertThrows(CancellationException.class, tb::join);
            assertTrue(tc.join());
            assertEquals(List.of(3), result);
            assertEquals("Lock[locked]", lock.toString());
            lock.release();
            return null;
          });
      assertFalse(lock.locked());
    }
  }

  /** test_release_not_acquired, test_release_no_waiters. */
  @BackendTest
  void releasingAnUnlockedLockIsAnError(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
      assertEquals("Lock is not acquired.", e.getMessage());
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            assertTrue(lock.locked());
            lock.release();
            assertFalse(lock.locked());
            return null;
          });
      assertThrows(IllegalStateException.class, lock::release);
    }
  }

  /**
   * test_context_manager, test_pep492's test_context_manager_async_with: the lock is held inside
   * the try-with-resources block (across a wait) and released after it; a second close does not
   * release again.
   */
  @BackendTest
  void holdKeepsTheLockForTheBlock(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      loop.runUntilComplete(
          () -> {
            Held outer;
            try (Held held = lock.hold()) {
              outer = held;
              assertTrue(lock.locked());
              yieldTurn(loop);
              assertTrue(lock.locked());
            }
            assertFalse(lock.locked());
            lock.acquire().join();
            outer.close(); // already released once: must not release someone else's hold
            assertTrue(lock.locked());
            lock.release();
            return null;
          });
    }
  }

  /** A task cancelled while it waits in hold() leaves the lock with its holder, no waiter behind. */
  @BackendTest
  void aTaskCancelledInHoldAcquiresNothing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      boolean[] entered = {false};
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            Task<Void> t =
                loop.createTask(
                    () -> {
                      try (Held held = lock.hold()) {
                        entered[0] = true;
                      }
                      return null;
                    });
            yieldTurn(loop);
            t.cancel();
            assertThrows(CancellationException.class, t::join);
            assertEquals("Lock[locked]", lock.toString());
            lock.release();
            return null;
          });
      assertFalse(entered[0]);
      assertFalse(lock.locked());
    }
  }

  /** hold() waits, so on the loop thread outside a task it refuses before queueing anything. */
  @BackendTest
  void holdInACallbackIsRefusedAndQueuesNothing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      Future<Throwable> refused = loop.createFuture();
      loop.runUntilComplete(
          () -> {
            lock.acquire().join();
            loop.callSoon(
                () -> {
                  try {
                    lock.hold();
                    refused.setResult(null);
                  } catch (IllegalStateException e) {
                    refused.setResult(e);
                  }
                });
            Throwable e = refused.join();
            assertTrue(e != null && e.getMessage().contains("call it from a task"), String.valueOf(e));
            assertEquals("Lock[locked]", lock.toString());
            lock.release();
            return null;
          });
    }
  }

  /** From callbacks: acquire() gives a future, completed when the lock is handed over. */
  @BackendTest
  void callbacksUseTheFutures(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      List<String> events = new ArrayList<>();
      Future<Void> first = lock.acquire();
      assertTrue(first.isDone());
      Future<Void> second = lock.acquire();
      second.addDoneCallback(f -> events.add("second"));
      loop.callSoon(
          () -> {
            events.add("release");
            lock.release();
          });
      loop.runUntilComplete(second);
      Turns.runBriefly(loop);
      assertEquals(List.of("release", "second"), events);
      assertTrue(lock.locked());
    }
  }
}
