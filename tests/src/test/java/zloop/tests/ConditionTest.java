package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.LockTest.yieldTurn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.Task;
import zloop.sync.Condition;
import zloop.sync.Held;
import zloop.sync.Lock;

/** {@code zloop.sync.Condition}: facts from CPython's test_locks.py (ConditionTests). */
@Timeout(60)
class ConditionTest {

  /** A task that takes the lock, waits once, records its tag, and keeps or releases the lock. */
  private static Task<Boolean> waiter(
      EventLoop loop, Condition cond, List<Integer> result, int tag, boolean release) {
    return loop.createTask(
        () -> {
          cond.acquire().join();
          cond.await().join();
          result.add(tag);
          if (release) {
            cond.release();
          }
          return true;
        });
  }

  /** test_wait: a notified waiter resumes only once it has the lock again. */
  @BackendTest
  void aNotifiedWaiterResumesOnlyWithTheLock(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            List<Task<Boolean>> t = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
              t.add(waiter(loop, cond, result, i, false));
            }
            yieldTurn(loop);
            assertEquals(List.of(), result);
            assertFalse(cond.locked());
            assertEquals("Condition[unlocked, waiters:3]", cond.toString());
            cond.acquire().join();
            cond.signal();
            yieldTurn(loop);
            assertEquals(List.of(), result);
            assertTrue(cond.locked());
            cond.release();
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            assertTrue(cond.locked());
            cond.signal(2);
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            cond.release();
            yieldTurn(loop);
            assertEquals(List.of(1, 2), result);
            cond.release();
            yieldTurn(loop);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(cond.locked());
            for (Task<Boolean> task : t) {
              assertTrue(task.result());
            }
            cond.release();
            return null;
          });
    }
  }

  /** test_wait_cancel: a wait cancelled before any signal ends with the lock held again. */
  @BackendTest
  void aCancelledWaitEndsWithTheLockHeld(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      loop.runUntilComplete(
          () -> {
            cond.acquire().join();
            Task<Void> wait = loop.createTask(() -> cond.await().join());
            loop.callSoon(wait::cancel);
            assertThrows(CancellationException.class, wait::join);
            assertEquals("Condition[locked]", cond.toString());
            return null;
          });
    }
  }

  /**
   * test_wait_cancel_contested: notified, then cancelled while the notifier still holds the lock:
   * the waiter still ends holding the lock.
   */
  @BackendTest
  void aWaitCancelledWhileContestingTheLockEndsHoldingIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      loop.runUntilComplete(
          () -> {
            cond.acquire().join();
            Task<Void> waitTask = loop.createTask(() -> cond.await().join());
            yieldTurn(loop);
            assertFalse(cond.locked());
            cond.acquire().join();
            cond.signal();
            loop.callSoon(waitTask::cancel);
            loop.callSoon(cond::release);
            try {
              waitTask.join();
            } catch (CancellationException expected) {
              // either outcome is allowed; the lock must be held afterwards
            }
            assertTrue(cond.locked());
            return null;
          });
    }
  }

  /** test_wait_cancel_after_notify (bpo-32841): cancelled while re-taking the lock, it ends cancelled. */
  @BackendTest
  void aWaiterCancelledAfterTheNotifyEndsCancelled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      boolean[] waited = {false};
      loop.runUntilComplete(
          () -> {
            Task<Void> waiter =
                loop.createTask(
                    () -> {
                      try (Held held = cond.hold()) {
                        waited[0] = true;
                        cond.await().join();
                      }
                      return null;
                    });
            yieldTurn(loop);
            cond.acquire().join();
            cond.signal();
            yieldTurn(loop);
            waiter.cancel();
            yieldTurn(loop);
            cond.release();
            yieldTurn(loop);
            assertTrue(waiter.isCancelled());
            assertFalse(cond.locked(), "the cancelled waiter's hold released the lock it got back");
            return null;
          });
      assertTrue(waited[0]);
    }
  }

  /** test_wait_unacquired, test_notify_unacquired, test_notify_all_unacquired, test_wait_for_unacquired. */
  @BackendTest
  void waitingOrNotifyingWithoutTheLockIsAnError(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      IllegalStateException e = assertThrows(IllegalStateException.class, cond::await);
      assertEquals("cannot wait on un-acquired lock", e.getMessage());
      e = assertThrows(IllegalStateException.class, cond::signal);
      assertEquals("cannot notify on un-acquired lock", e.getMessage());
      assertThrows(IllegalStateException.class, cond::signalAll);
      assertTrue(cond.waitFor(() -> true).isDone(), "a predicate that holds needs no lock");
      assertThrows(IllegalStateException.class, () -> cond.waitFor(() -> false));
      assertFalse(cond.locked());
    }
  }

  /** test_wait_for: the predicate is checked again after each notification. */
  @BackendTest
  void waitForRechecksThePredicateAfterEachNotification(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      boolean[] presult = {false};
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            Task<Boolean> t =
                loop.createTask(
                    () -> {
                      cond.acquire().join();
                      cond.waitFor(() -> presult[0]).join();
                      result.add(1);
                      cond.release();
                      return true;
                    });
            yieldTurn(loop);
            assertEquals(List.of(), result);
            cond.acquire().join();
            cond.signal();
            cond.release();
            yieldTurn(loop);
            assertEquals(List.of(), result);
            presult[0] = true;
            cond.acquire().join();
            cond.signal();
            cond.release();
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            assertTrue(t.result());
            return null;
          });
    }
  }

  /** test_notify, test_notify_all: notify(n) wakes n waiters in order; signalAll wakes all. */
  @BackendTest
  void signalWakesWaitersInOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            List<Task<Boolean>> t = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
              t.add(waiter(loop, cond, result, i, true));
            }
            yieldTurn(loop);
            cond.acquire().join();
            cond.signal(1);
            cond.release();
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            cond.acquire().join();
            cond.signal(1);
            cond.signal(2048);
            cond.release();
            loop.gather(t).join();
            assertEquals(List.of(1, 2, 3), result);
            List<Integer> all = new ArrayList<>();
            List<Task<Boolean>> two = List.of(waiter(loop, cond, all, 1, true), waiter(loop, cond, all, 2, true));
            yieldTurn(loop);
            cond.acquire().join();
            cond.signalAll();
            cond.release();
            loop.gather(two).join();
            assertEquals(List.of(1, 2), all);
            return null;
          });
    }
  }

  /** test_context_manager, test_explicit_lock: a condition and its shared lock are one lock. */
  @BackendTest
  void aConditionSharesItsExplicitLock(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      Condition cond = loop.createCondition(lock);
      loop.runUntilComplete(
          () -> {
            assertFalse(lock.locked() || cond.locked());
            try (Held held = cond.hold()) {
              assertTrue(lock.locked() && cond.locked());
            }
            assertFalse(lock.locked() || cond.locked());
            try (Held held = lock.hold()) {
              assertTrue(lock.locked() && cond.locked());
            }
            assertFalse(lock.locked() || cond.locked());
            return null;
          });
    }
  }

  /** test_timeout_in_block: waitFor's timeout on a wait ends, with the lock held again. */
  @BackendTest
  void aTimedOutWaitEndsWithTheLockHeld(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      loop.runUntilComplete(
          () -> {
            try (Held held = cond.hold()) {
              CompletionException e =
                  assertThrows(
                      CompletionException.class,
                      () -> loop.waitFor(cond.await(), Duration.ofMillis(10)).join());
              assertInstanceOf(TimeoutException.class, e.getCause());
              assertTrue(cond.locked());
            }
            assertFalse(cond.locked());
            return null;
          });
    }
  }

  /**
   * test_cancelled_error_wakeup, test_cancelled_error_re_aquire: a cancellation while waiting for
   * the signal, or while re-taking the lock, reaches the task with its message.
   */
  @BackendTest
  void aCancellationKeepsItsMessageInEitherPhase(String backend) {
    for (boolean notifyFirst : new boolean[] {false, true}) {
      try (EventLoop loop = Backends.open(backend)) {
        Condition cond = loop.createCondition();
        boolean[] wake = {false};
        loop.runUntilComplete(
            () -> {
              Task<Void> task =
                  loop.createTask(
                      () -> {
                        try (Held held = cond.hold()) {
                          cond.waitFor(() -> wake[0]).join();
                        }
                        return null;
                      });
              yieldTurn(loop);
              if (notifyFirst) {
                cond.acquire().join();
                wake[0] = true;
                cond.signal();
                yieldTurn(loop); // the task now waits to take the lock back
                task.cancel("foo");
                cond.release();
              } else {
                task.cancel("foo");
              }
              CancellationException e = assertThrows(CancellationException.class, task::join);
              assertEquals("foo", e.getMessage());
              assertFalse(cond.locked());
              return null;
            });
      }
    }
  }

  /**
   * test_cancelled_wakeup, test_cancelled_wakeup_relock: a consumer cancelled in the same turn as
   * it is notified (or while it waits for the lock after the notification) does not lose the
   * notification: the other consumer takes the item.
   */
  @BackendTest
  void aConsumerCancelledAsItIsNotifiedPassesTheNotificationOn(String backend) {
    for (boolean relocking : new boolean[] {false, true}) {
      try (EventLoop loop = Backends.open(backend)) {
        Condition cond = loop.createCondition();
        int[] state = {0};
        loop.runUntilComplete(
            () -> {
              List<Task<Void>> c = new ArrayList<>();
              for (int i = 0; i < 2; i++) {
                c.add(
                    loop.createTask(
                        () -> {
                          try (Held held = cond.hold()) {
                            while (true) {
                              cond.waitFor(() -> state[0] != 0).join();
                              if (state[0] < 0) {
                                return null;
                              }
                              state[0]--;
                              cond.signalAll(); // tells the producer the item was taken
                            }
                          }
                        }));
              }
              yieldTurn(loop);
              try (Held held = cond.hold()) {
                state[0]++;
                cond.signal(1);
                if (relocking) {
                  yieldTurn(loop); // the first consumer now waits for the lock
                }
                c.get(0).cancel();
                cond.waitFor(() -> state[0] == 0).join();
                assertEquals(0, state[0]);
                state[0] = -1;
                cond.signalAll();
              }
              assertThrows(CancellationException.class, c.get(0)::join);
              c.get(1).join();
              return null;
            });
      }
    }
  }

  /**
   * A waiter whose wait completed (signalled, lock taken back) and whose task is cancelled before it
   * resumes passes the signal on, and still holds the lock for its hold to release.
   */
  @BackendTest
  void aWaiterCancelledAfterItsWaitCompletedPassesTheSignalOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            Task<Boolean> t1 = waiter(loop, cond, result, 1, true);
            Task<Boolean> t2 = waiter(loop, cond, result, 2, true);
            yieldTurn(loop);
            Future<Void> relocked = loop.createFuture();
            cond.acquire().join();
            cond.signal(1);
            cond.release(); // t1 takes the lock back: its wait is complete ...
            t1.cancel(); // ... and its task is cancelled before it resumes
            assertThrows(CancellationException.class, t1::join);
            assertTrue(cond.locked(), "t1 still holds the lock: its task released nothing");
            cond.release(); // for t1, which its body did not release
            assertTrue(t2.join());
            assertEquals(List.of(2), result);
            relocked.setResult(null);
            return null;
          });
    }
  }

  /**
   * As above, with the waiter waiting through {@code get()} instead of {@code join()}: the unused
   * signal is handed on too (it used to be lost, leaving the second waiter parked for good).
   */
  @BackendTest
  void aWaiterInGetCancelledAfterItsWaitCompletedPassesTheSignalOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Condition cond = loop.createCondition();
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            Task<Boolean> t1 =
                loop.createTask(
                    () -> {
                      cond.acquire().join();
                      cond.await().get();
                      result.add(1);
                      return true;
                    });
            Task<Boolean> t2 = waiter(loop, cond, result, 2, true);
            yieldTurn(loop);
            cond.acquire().join();
            cond.signal(1);
            cond.release(); // t1 takes the lock back: its wait is complete ...
            t1.cancel(); // ... and its task is cancelled before it resumes from get()
            assertThrows(CancellationException.class, t1::join);
            cond.release(); // for t1, which its body did not release
            assertTrue(loop.waitFor(t2, Duration.ofSeconds(30)).join(), "t2 got the handed-on signal");
            assertEquals(List.of(2), result);
            return null;
          });
    }
  }
}
