package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import zloop.sync.Event;

/** {@code zloop.sync.Event}: facts from CPython's test_locks.py (EventTests). */
@Timeout(60)
class EventTest {

  private static Task<Boolean> waiter(EventLoop loop, Event ev, List<Integer> result, int tag) {
    return loop.createTask(
        () -> {
          ev.await().join();
          result.add(tag);
          return true;
        });
  }

  /**
   * test_wait: set() wakes every waiter; a task that starts after the set does not wait at all (so
   * it runs first).
   */
  @BackendTest
  void setWakesEveryWaiter(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Event ev = loop.createEvent();
      assertFalse(ev.isSet());
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            Task<Boolean> t1 = waiter(loop, ev, result, 1);
            Task<Boolean> t2 = waiter(loop, ev, result, 2);
            yieldTurn(loop);
            assertEquals(List.of(), result);
            assertEquals("Event[unset, waiters:2]", ev.toString());
            Task<Boolean> t3 = waiter(loop, ev, result, 3);
            ev.set();
            yieldTurn(loop);
            assertEquals(List.of(3, 1, 2), result);
            assertTrue(t1.result() && t2.result() && t3.result());
            return null;
          });
      assertEquals("Event[set]", ev.toString());
    }
  }

  /** test_wait_on_set: waiting on a set event completes at once. */
  @BackendTest
  void waitingOnASetEventCompletesAtOnce(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Event ev = loop.createEvent();
      ev.set();
      assertTrue(ev.await().isDone());
      assertNull(loop.runUntilComplete(ev.await()));
    }
  }

  /** test_wait_cancel: a cancelled wait leaves no waiter. */
  @BackendTest
  void aCancelledWaitLeavesNoWaiter(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Event ev = loop.createEvent();
      loop.runUntilComplete(
          () -> {
            Task<Void> wait = loop.createTask(() -> ev.await().join());
            loop.callSoon(wait::cancel);
            assertThrows(CancellationException.class, wait::join);
            assertEquals("Event[unset]", ev.toString());
            return null;
          });
    }
  }

  /** test_clear, test_clear_with_waiters: a set then clear still wakes those who waited. */
  @BackendTest
  void clearAfterSetStillWakesThoseWhoWaited(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Event ev = loop.createEvent();
      ev.set();
      assertTrue(ev.isSet());
      ev.clear();
      assertFalse(ev.isSet());
      List<Integer> result = new ArrayList<>();
      loop.runUntilComplete(
          () -> {
            Task<Boolean> t = waiter(loop, ev, result, 1);
            yieldTurn(loop);
            assertEquals(List.of(), result);
            ev.set();
            ev.clear();
            assertFalse(ev.isSet());
            ev.set();
            ev.set();
            yieldTurn(loop);
            assertEquals(List.of(1), result);
            assertEquals("Event[set]", ev.toString());
            assertTrue(t.result());
            return null;
          });
    }
  }
}
