package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.InTask.LONG;
import static zloop.tests.InTask.inTask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import zloop.AsCompleted;
import zloop.EventLoop;
import zloop.Future;
import zloop.ReturnWhen;
import zloop.Task;
import zloop.WaitResult;

/**
 * {@code asyncio.wait}, {@code as_completed} and {@code shield} as {@link EventLoop#wait}, {@link
 * EventLoop#asCompleted} and {@link EventLoop#shield}: facts from CPython's test_tasks.py. The
 * futures are completed by hand, in the order each test needs, so no fact depends on timing.
 */
@Timeout(60)
class WaitAsCompletedShieldTest {

  private static final Duration SHORT = Duration.ofMillis(10);

  /** Completes the future with a value on a later turn. */
  private static <T> void completeSoon(EventLoop loop, Future<T> f, T value) {
    loop.callSoon(() -> f.setResult(value));
  }

  // ---- wait ----

  @BackendTest
  void waitAllCompletedReturnsEveryFutureDone(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      WaitResult<Future<String>> r =
          inTask(
              loop,
              () -> {
                Future<WaitResult<Future<String>>> w =
                    loop.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED);
                completeSoon(loop, a, "a");
                loop.sleep(Duration.ZERO).join();
                assertFalse(w.isDone(), "one of two is not all");
                completeSoon(loop, b, "b");
                return w.join();
              });
      assertEquals(Set.of(a, b), r.done());
      assertTrue(r.pending().isEmpty());
    }
  }

  @BackendTest
  void waitCountsADuplicateOnce(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      WaitResult<Future<String>> r =
          inTask(
              loop,
              () -> {
                completeSoon(loop, a, "a");
                return loop.wait(List.of(a, a), ReturnWhen.ALL_COMPLETED).join();
              });
      assertEquals(1, r.done().size());
      assertTrue(r.pending().isEmpty());
    }
  }

  @BackendTest
  void waitFirstCompletedReturnsOnTheFirstAndLeavesTheRest(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      WaitResult<Future<String>> r =
          inTask(
              loop,
              () -> {
                completeSoon(loop, b, "b");
                return loop.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED).join();
              });
      assertEquals(Set.of(b), r.done());
      assertEquals(Set.of(a), r.pending());
      assertFalse(a.isDone());
    }
  }

  @BackendTest
  void waitFirstCompletedReturnsEveryFutureAlreadyDone(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      a.setResult("a");
      b.setResult("b");
      WaitResult<Future<String>> r =
          inTask(loop, () -> loop.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED).join());
      assertEquals(Set.of(a, b), r.done());
    }
  }

  @BackendTest
  void waitFirstExceptionReturnsOnAFailureButNotOnACancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> cancelled = loop.createFuture();
      Future<String> failing = loop.createFuture();
      Future<String> slow = loop.createFuture();
      WaitResult<Future<String>> r =
          inTask(
              loop,
              () -> {
                Future<WaitResult<Future<String>>> w =
                    loop.wait(List.of(cancelled, failing, slow), ReturnWhen.FIRST_EXCEPTION);
                cancelled.cancel();
                loop.sleep(Duration.ZERO).join();
                loop.sleep(Duration.ZERO).join();
                assertFalse(w.isDone(), "a cancellation is not an exception");
                failing.setException(new ArithmeticException());
                return w.join();
              });
      assertEquals(Set.of(cancelled, failing), r.done());
      assertEquals(Set.of(slow), r.pending());
    }
  }

  @BackendTest
  void waitFirstExceptionReturnsAtOnceOnAFutureAlreadyFailed(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> failed =
          loop.createTask(
              () -> {
                throw new ArithmeticException("err");
              });
      Task<String> slow = loop.createTask(() -> loop.sleep(LONG, "slow").join());
      WaitResult<Task<String>> r =
          inTask(
              loop,
              () -> {
                loop.sleep(Duration.ZERO).join(); // both started; one has failed
                return loop.wait(List.of(failed, slow), ReturnWhen.FIRST_EXCEPTION).join();
              });
      assertEquals(Set.of(failed), r.done());
      assertEquals(Set.of(slow), r.pending());
      slow.cancel();
    }
  }

  @BackendTest
  void waitFirstExceptionWithoutFailureWaitsForAll(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      WaitResult<Future<String>> r =
          inTask(
              loop,
              () -> {
                completeSoon(loop, a, "a");
                completeSoon(loop, b, "b");
                return loop.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION).join();
              });
      assertEquals(Set.of(a, b), r.done());
    }
  }

  @BackendTest
  void waitAllCompletedWithAFailureStillWaitsForAll(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> failing = loop.createFuture();
      Future<String> b = loop.createFuture();
      WaitResult<Future<String>> r =
          inTask(
              loop,
              () -> {
                Future<WaitResult<Future<String>>> w =
                    loop.wait(List.of(failing, b), ReturnWhen.ALL_COMPLETED);
                failing.setException(new ArithmeticException());
                loop.sleep(Duration.ZERO).join();
                loop.sleep(Duration.ZERO).join();
                assertFalse(w.isDone());
                b.setResult("b");
                return w.join();
              });
      assertEquals(Set.of(failing, b), r.done());
      assertInstanceOf(ArithmeticException.class, failing.exception());
    }
  }

  @BackendTest
  void aWaitThatTimesOutLeavesThePendingFuturesRunning(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Task<String> slow = loop.createTask(() -> loop.sleep(LONG, "slow").join());
      WaitResult<Future<String>> r =
          inTask(
              loop,
              () -> {
                completeSoon(loop, a, "a");
                return loop.<Future<String>>wait(List.of(a, slow), ReturnWhen.ALL_COMPLETED, SHORT)
                    .join();
              });
      assertEquals(Set.of(a), r.done());
      assertEquals(Set.of(slow), r.pending());
      assertFalse(slow.isDone());
      assertFalse(slow.isCancelled());
      slow.cancel();
    }
  }

  @BackendTest
  void cancellingAWaitTouchesNoneOfItsFutures(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      inTask(
          loop,
          () -> {
            Future<WaitResult<Future<String>>> w = loop.wait(List.of(a), ReturnWhen.ALL_COMPLETED);
            assertTrue(w.cancel());
            loop.sleep(Duration.ZERO).join();
            a.setResult("a"); // the wait's callback is gone: nothing to fire
            loop.sleep(Duration.ZERO).join();
            return null;
          });
      assertEquals("a", a.result());
    }
  }

  @BackendTest
  void waitRefusesNothingToWaitOnAndAnotherLoopsFutures(String backend) {
    try (EventLoop loop = Backends.open(backend);
        EventLoop other = Backends.open(backend)) {
      assertThrows(
          IllegalArgumentException.class, () -> loop.wait(List.of(), ReturnWhen.ALL_COMPLETED));
      Future<Object> foreign = other.createFuture();
      assertThrows(
          IllegalArgumentException.class,
          () -> loop.wait(List.of(foreign), ReturnWhen.ALL_COMPLETED));
    }
  }

  // ---- asCompleted ----

  @BackendTest
  void asCompletedHandsOutTheOriginalFuturesInCompletionOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      Future<String> c = loop.createFuture();
      List<Future<String>> order =
          inTask(
              loop,
              () -> {
                List<Future<String>> seen = new ArrayList<>();
                completeSoon(loop, b, "b");
                loop.callSoon(() -> loop.callSoon(() -> c.setResult("c")));
                loop.callSoon(() -> loop.callSoon(() -> loop.callSoon(() -> a.setResult("a"))));
                for (Future<String> f : loop.asCompleted(List.of(a, b, c, b))) {
                  assertTrue(f.isDone());
                  seen.add(f);
                }
                return seen;
              });
      assertEquals(3, order.size(), "the duplicate counts once");
      assertSame(b, order.get(0));
      assertSame(c, order.get(1));
      assertSame(a, order.get(2));
    }
  }

  @BackendTest
  void asCompletedWithATimeoutHandsOutWhatFinishedThenFailsAndCancelsNothing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> quick = loop.createFuture();
      Task<String> slow = loop.createTask(() -> loop.sleep(LONG, "slow").join());
      Object[] seen =
          inTask(
              loop,
              () -> {
                completeSoon(loop, quick, "quick");
                AsCompleted<Future<String>> it = loop.asCompleted(List.of(slow, quick), SHORT);
                Future<String> first = it.next();
                assertTrue(it.hasNext());
                CompletionException timeout = assertThrows(CompletionException.class, it::next);
                return new Object[] {first, timeout.getCause(), it.hasNext()};
              });
      assertSame(quick, seen[0]);
      assertInstanceOf(TimeoutException.class, seen[1]);
      assertEquals(false, seen[2]);
      assertFalse(slow.isDone(), "as_completed cancels nothing on timeout");
      slow.cancel();
    }
  }

  @BackendTest
  void asCompletedWithAnUnusedTimeoutEndsNormally(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      List<Future<String>> seen =
          inTask(
              loop,
              () -> {
                completeSoon(loop, a, "a");
                List<Future<String>> out = new ArrayList<>();
                loop.asCompleted(List.of(a), LONG).forEach(out::add);
                return out;
              });
      assertEquals(List.of(a), seen);
    }
  }

  @BackendTest
  void asCompletedNextDoneServesCallbacksAndAnEmptyListEndsAtOnce(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      AsCompleted<Future<String>> empty = loop.asCompleted(List.<Future<String>>of());
      assertFalse(empty.hasNext());
      assertThrows(NoSuchElementException.class, empty::nextDone);
      AsCompleted<Future<String>> it = loop.asCompleted(List.of(a));
      Future<Future<String>> next = it.nextDone();
      assertFalse(it.hasNext(), "the only future is promised");
      completeSoon(loop, a, "a");
      assertSame(a, loop.runUntilComplete(next));
    }
  }

  @BackendTest
  void aCancelledNextDoneGivesItsPlaceBack(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Future<String> got =
          inTask(
              loop,
              () -> {
                AsCompleted<Future<String>> it = loop.asCompleted(List.of(a));
                it.nextDone().cancel();
                loop.sleep(Duration.ZERO).join();
                assertTrue(it.hasNext());
                completeSoon(loop, a, "a");
                return it.next();
              });
      assertSame(a, got);
    }
  }

  @BackendTest
  void anAsCompletedLeftEarlyResumesWhereItStopped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        futures.add(loop.createFuture());
      }
      List<Integer> collected =
          inTask(
              loop,
              () -> {
                for (int i = 0; i < 4; i++) {
                  completeSoon(loop, futures.get(i), i);
                }
                AsCompleted<Future<Integer>> it = loop.asCompleted(futures);
                List<Integer> out = new ArrayList<>();
                for (Future<Integer> f : it) {
                  out.add(f.join());
                  if (out.size() == 2) {
                    break;
                  }
                }
                for (Future<Integer> f : it) {
                  out.add(f.join());
                }
                return out;
              });
      assertEquals(Set.of(0, 1, 2, 3), Set.copyOf(collected));
      assertEquals(4, collected.size());
    }
  }

  @BackendTest
  void severalNextDoneFuturesCanBeAwaitedTogether(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      List<Future<String>> got =
          inTask(
              loop,
              () -> {
                AsCompleted<Future<String>> it = loop.asCompleted(List.of(a, b));
                Future<Future<String>> first = it.nextDone();
                Future<Future<String>> second = it.nextDone();
                completeSoon(loop, a, "a");
                completeSoon(loop, b, "b");
                return loop.gather(List.of(first, second)).join();
              });
      assertEquals(Set.of(a, b), Set.copyOf(got));
    }
  }

  @BackendTest
  void nextDoneFuturesAreFilledInTheOrderTheyWereAskedFor(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      Object[] got =
          inTask(
              loop,
              () -> {
                AsCompleted<Future<String>> it = loop.asCompleted(List.of(a, b));
                Future<Future<String>> first = it.nextDone();
                Future<Future<String>> second = it.nextDone();
                completeSoon(loop, a, "a");
                // waiting on the second first does not give it the first completion
                loop.wait(List.of(second), ReturnWhen.ALL_COMPLETED, SHORT).join();
                assertFalse(second.isDone());
                completeSoon(loop, b, "b");
                Future<String> viaSecond = second.join();
                return new Object[] {first.join(), viaSecond};
              });
      assertSame(a, got[0]);
      assertSame(b, got[1]);
    }
  }

  // ---- shield ----

  @BackendTest
  void shieldReturnsADoneFutureItself(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> done = loop.createFuture();
      done.setResult("x");
      assertSame(done, loop.shield(done));
    }
  }

  @BackendTest
  void shieldPassesOnTheResultTheFailureAndAnInnerCancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> ok = loop.createFuture();
      Future<String> failing = loop.createFuture();
      Future<String> cancelled = loop.createFuture();
      Future<String> s1 = loop.shield(ok);
      Future<String> s2 = loop.shield(failing);
      Future<String> s3 = loop.shield(cancelled);
      ArithmeticException boom = new ArithmeticException();
      ok.setResult("ok");
      failing.setException(boom);
      cancelled.cancel("inner");
      Turns.runBriefly(loop);
      assertEquals("ok", s1.result());
      assertSame(boom, s2.exception());
      assertTrue(s3.isCancelled());
    }
  }

  @BackendTest
  void cancellingTheShieldLeavesTheInnerFutureRunning(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> inner = loop.createFuture();
      Future<String> outer = loop.shield(inner);
      assertTrue(outer.cancel());
      Turns.runBriefly(loop);
      assertTrue(outer.isCancelled());
      assertFalse(inner.isDone());
      inner.setResult("still wanted");
      Turns.runBriefly(loop);
      assertEquals("still wanted", inner.result());
    }
  }

  @BackendTest
  void cancellingAShieldedGatherLeavesTheGatherRunning(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> child1 = loop.createFuture();
      Future<Integer> child2 = loop.createFuture();
      Future<List<Integer>> parent = loop.gather(List.of(child1, child2));
      Future<List<Integer>> outer = loop.shield(parent);
      Turns.runBriefly(loop);
      outer.cancel();
      Turns.runBriefly(loop);
      assertTrue(outer.isCancelled());
      child1.setResult(1);
      child2.setResult(2);
      Turns.runBriefly(loop);
      assertEquals(List.of(1, 2), parent.result());
    }
  }

  @BackendTest
  void cancellingAGatherOfShieldsCancelsTheShieldsOnly(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> child1 = loop.createFuture();
      Future<Integer> child2 = loop.createFuture();
      Future<Integer> inner1 = loop.shield(child1);
      Future<Integer> inner2 = loop.shield(child2);
      Future<List<Integer>> parent = loop.gather(List.of(inner1, inner2));
      Turns.runBriefly(loop);
      parent.cancel();
      Turns.runBriefly(loop);
      assertInstanceOf(CancellationException.class, parent.exception());
      assertTrue(inner1.isCancelled());
      assertTrue(inner2.isCancelled());
      assertFalse(child1.isDone());
      assertFalse(child2.isDone());
      child1.setResult(1);
      child2.setResult(2);
      Turns.runBriefly(loop);
    }
  }

  @BackendTest
  void aTaskCancelledWhileWaitingOnAShieldLeavesTheShieldedTaskToFinish(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> innerGate = loop.createFuture();
      Task<String> inner =
          loop.createTask(
              () -> {
                innerGate.join();
                return "inner done";
              });
      Future<Void> outerWaiting = loop.createFuture();
      Task<String> outer =
          loop.createTask(
              () -> {
                outerWaiting.setResult(null);
                return loop.shield(inner).join();
              });
      String result =
          inTask(
              loop,
              () -> {
                outerWaiting.join();
                loop.sleep(Duration.ZERO).join(); // outer is parked on the shield now
                outer.cancel();
                assertThrows(CancellationException.class, outer::join);
                assertFalse(inner.isDone());
                innerGate.setResult(null);
                return inner.join();
              });
      assertTrue(outer.isCancelled());
      assertEquals("inner done", result);
    }
  }
}
