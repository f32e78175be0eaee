package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.sync.Lock;

/**
 * Every primitive belongs to its loop: CPython's test_locks.py ConditionTests.test_ambiguous_loops
 * and asyncio's {@code _LoopBoundMixin} ("is bound to a different event loop").
 */
@Timeout(60)
class SyncLoopAffinityTest {

  /** The calls each primitive refuses from another loop, one per kind. */
  private static List<Consumer<EventLoop>> usesOf(EventLoop owner) {
    Lock lock = owner.createLock();
    var event = owner.createEvent();
    var cond = owner.createCondition();
    var sem = owner.createBoundedSemaphore(1);
    var barrier = owner.createBarrier(2);
    var queue = owner.<String>createQueue(0);
    return List.of(
        other -> lock.acquire(),
        other -> event.await(),
        other -> cond.acquire(),
        other -> sem.acquire(),
        other -> barrier.await(),
        other -> queue.putNowait("x"));
  }

  /** A task of another loop is refused with asyncio's message, and the primitive is unchanged. */
  @BackendTest
  void aTaskOfAnotherLoopIsRefused(String backend) {
    try (EventLoop owner = Backends.open(backend);
        EventLoop other = Backends.open(backend)) {
      for (Consumer<EventLoop> use : usesOf(owner)) {
        IllegalStateException e =
            JoinFailure.assertJoinFails(
                IllegalStateException.class,
                () -> other.runUntilComplete(() -> {
                  use.accept(other);
                  return null;
                }));
        assertTrue(e.getMessage().endsWith("is bound to a different event loop"), e.getMessage());
      }
      Lock lock = owner.createLock();
      JoinFailure.assertJoinFails(
          IllegalStateException.class,
          () -> other.runUntilComplete(() -> lock.acquire()));
      assertEquals("Lock[unlocked]", lock.toString());
    }
  }

  /** A condition over another loop's lock is refused when it is made. */
  @BackendTest
  void aConditionOverAnotherLoopsLockIsRefused(String backend) {
    try (EventLoop owner = Backends.open(backend);
        EventLoop other = Backends.open(backend)) {
      Lock foreign = other.createLock();
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> owner.createCondition(foreign));
      assertTrue(e.getMessage().contains("not made by this loop"), e.getMessage());
    }
  }

  /** Another thread, while the loop runs, gets the loop's thread error. */
  @BackendTest
  void anotherThreadIsRefusedWhileTheLoopRuns(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Lock lock = loop.createLock();
      Future<Void> stop = loop.createFuture();
      CompletableFuture<Throwable> seen = new CompletableFuture<>();
      Runnable fromAnotherThread =
          () -> {
            try {
              lock.acquire();
              seen.complete(null);
            } catch (RuntimeException e) {
              seen.complete(e);
            } finally {
              stop.setResult(null); // thread-safe: hops to the loop
            }
          };
      // Started by a callback, so the loop is running for as long as the thread can call.
      loop.callSoon(() -> Thread.ofPlatform().start(fromAnotherThread));
      loop.runUntilComplete(stop);
      Throwable e = seen.get();
      assertTrue(e instanceof IllegalStateException, String.valueOf(e));
      assertTrue(e.getMessage().contains("use callSoonThreadSafe"), e.getMessage());
      assertEquals("Lock[unlocked]", lock.toString());
    }
  }
}
