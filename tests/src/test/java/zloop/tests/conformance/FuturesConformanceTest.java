package zloop.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.InvalidStateException;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** Facts of CPython's test_futures.py, ported to zloop's Future. */
@Timeout(60)
class FuturesConformanceTest {

  /** A done callback that appends a tag to a bag (test_futures' _make_callback). */
  private static Consumer<Future<String>> appender(List<Integer> bag, int tag) {
    return f -> bag.add(tag);
  }

  @BackendTest
  void newFutureIsPendingAndNotCancelled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      assertFalse(f.isDone());
      assertFalse(f.isCancelled());
      f.cancel();
      assertTrue(f.isCancelled());
    }
  }

  @BackendTest
  void futureCreatedInATaskBelongsToTheRunningLoop(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Object> f = loop.runUntilComplete(() -> loop.createFuture());
      assertSame(loop, f.loop());
    }
  }

  @BackendTest
  void cancelMakesTheFutureDoneAndCancelled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      assertTrue(f.cancel());
      assertTrue(f.isCancelled());
      assertTrue(f.isDone());
    }
  }

  @BackendTest
  void cancelledFutureThrowsCancellationFromResultAndException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      f.cancel();
      assertThrows(CancellationException.class, f::result);
      assertThrows(CancellationException.class, f::exception);
    }
  }

  @BackendTest
  void cancelledFutureRejectsSetResultAndSetException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      f.cancel();
      assertThrows(InvalidStateException.class, () -> f.setResult("x"));
      assertThrows(InvalidStateException.class, () -> f.setException(new RuntimeException()));
    }
  }

  @BackendTest
  void cancellingTwiceReturnsFalseTheSecondTime(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      assertTrue(f.cancel());
      assertFalse(f.cancel());
      assertTrue(f.isCancelled());
    }
  }

  @BackendTest
  void resultBeforeDoneThrowsInvalidState(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      assertThrows(InvalidStateException.class, f::result);
      assertFalse(f.isDone(), "a failed read changes nothing");
    }
  }

  @BackendTest
  void setResultMakesTheFutureDoneWithNoException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      f.setResult(42);
      assertTrue(f.isDone());
      assertFalse(f.isCancelled());
      assertEquals(42, f.result());
      assertNull(f.exception());
    }
  }

  @BackendTest
  void aDoneFutureRejectsASecondSetResultOrSetException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      f.setResult(42);
      assertThrows(InvalidStateException.class, () -> f.setResult(43));
      assertThrows(InvalidStateException.class, () -> f.setException(new RuntimeException()));
      assertEquals(42, f.result(), "the first result stays");
    }
  }

  @BackendTest
  void cancelOfAFutureWithAResultReturnsFalse(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      f.setResult(42);
      assertFalse(f.cancel());
      assertFalse(f.isCancelled());
      assertEquals(42, f.result());
    }
  }

  @BackendTest
  void exceptionBeforeDoneThrowsInvalidState(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      assertThrows(InvalidStateException.class, f::exception);
    }
  }

  @BackendTest
  void setExceptionMakesResultThrowTheSameUncheckedExceptionWrapped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      RuntimeException boom = new IllegalStateException("boom");
      f.setException(boom);
      assertTrue(f.isDone());
      assertFalse(f.isCancelled());
      // One model for checked and unchecked failures alike: CompletableFuture.join()'s.
      assertSame(boom, assertThrows(CompletionException.class, f::result).getCause());
      assertSame(boom, f.exception());
    }
  }

  @BackendTest
  void aCheckedExceptionReachesResultWrappedInCompletionException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      IOException io = new IOException("io");
      f.setException(io);
      assertSame(io, assertThrows(CompletionException.class, f::result).getCause());
      assertSame(io, f.exception(), "exception() gives it unwrapped");
    }
  }

  @BackendTest
  void aFailedFutureRejectsSetResultSetExceptionAndCancel(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      RuntimeException boom = new RuntimeException("boom");
      f.setException(boom);
      assertThrows(InvalidStateException.class, () -> f.setResult("x"));
      assertThrows(InvalidStateException.class, () -> f.setException(new RuntimeException()));
      assertFalse(f.cancel());
      assertSame(boom, f.exception());
    }
  }

  @BackendTest
  void theCancelMessageReachesWhoeverWaits(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      f.cancel("my message");
      CancellationException e = assertThrows(CancellationException.class, () -> loop.runUntilComplete(f));
      assertEquals("my message", e.getMessage());
    }
  }

  @BackendTest
  void aCancellationExceptionCannotBeSetAsTheFailure(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      assertThrows(IllegalArgumentException.class, () -> f.setException(new CancellationException("no")));
      assertFalse(f.isDone(), "the refused call leaves the future pending");
    }
  }

  @BackendTest
  void toStringNamesTheState(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> pending = loop.createFuture();
      Future<Integer> done = loop.createFuture();
      done.setResult(4);
      Future<Integer> failed = loop.createFuture();
      failed.setException(new IllegalStateException("bad"));
      Future<Integer> cancelled = loop.createFuture();
      cancelled.cancel();
      assertTrue(pending.toString().contains("pending"), pending.toString());
      assertTrue(done.toString().contains("result=4"), done.toString());
      assertTrue(failed.toString().contains("IllegalStateException"), failed.toString());
      assertTrue(cancelled.toString().contains("cancelled"), cancelled.toString());
    }
  }

  @BackendTest
  void joiningAFutureTwiceGivesTheSameResultWithoutWaitingAgain(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      loop.callSoon(() -> f.setResult(42));
      List<Integer> seen =
          loop.runUntilComplete(
              () -> {
                int first = f.join();
                int second = f.join();
                return List.of(first, second);
              });
      assertEquals(List.of(42, 42), seen);
    }
  }

  @BackendTest
  void callbacksRunInOrderAfterSetResultNotInsideIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(appender(bag, 42));
      f.addDoneCallback(appender(bag, 17));
      f.setResult("foo");
      assertEquals(List.of(), bag, "setResult only schedules them");
      Turns.briefly(loop);
      assertEquals(List.of(42, 17), bag);
      assertEquals("foo", f.result());
    }
  }

  @BackendTest
  void callbacksRunAfterSetException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(appender(bag, 100));
      RuntimeException e = new RuntimeException();
      f.setException(e);
      assertEquals(List.of(), bag);
      Turns.briefly(loop);
      assertEquals(List.of(100), bag);
      assertSame(e, f.exception());
    }
  }

  @BackendTest
  void callbacksRunAfterCancel(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Boolean> seen = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(x -> seen.add(x.isCancelled()));
      f.cancel();
      assertEquals(List.of(), seen);
      Turns.briefly(loop);
      assertEquals(List.of(true), seen);
    }
  }

  @BackendTest
  void removingTheFirstCallbackKeepsTheOthers(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb1 = appender(bag, 42);
      f.addDoneCallback(cb1);
      f.addDoneCallback(appender(bag, 17));
      f.addDoneCallback(appender(bag, 100));
      assertEquals(1, f.removeDoneCallback(cb1));
      assertEquals(0, f.removeDoneCallback(cb1));
      f.setResult("foo");
      Turns.briefly(loop);
      assertEquals(List.of(17, 100), bag);
    }
  }

  @BackendTest
  void removingTheFirstTwoCallbacksKeepsTheThird(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb1 = appender(bag, 42);
      Consumer<Future<String>> cb2 = appender(bag, 17);
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      f.addDoneCallback(appender(bag, 100));
      f.removeDoneCallback(cb1);
      f.removeDoneCallback(cb2);
      f.removeDoneCallback(cb1);
      f.setResult("foo");
      Turns.briefly(loop);
      assertEquals(List.of(100), bag);
    }
  }

  @BackendTest
  void removingTheLastCallbackKeepsTheFirstTwo(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb3 = appender(bag, 100);
      f.addDoneCallback(appender(bag, 42));
      f.addDoneCallback(appender(bag, 17));
      f.addDoneCallback(cb3);
      f.removeDoneCallback(cb3);
      f.removeDoneCallback(cb3);
      f.setResult("foo");
      Turns.briefly(loop);
      assertEquals(List.of(42, 17), bag);
    }
  }

  @BackendTest
  void removeDoneCallbackCountsTheRegistrationsItRemoved(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb1 = appender(bag, 1);
      Consumer<Future<String>> cb2 = appender(bag, 2);
      Consumer<Future<String>> cb3 = appender(bag, 3);
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      assertEquals(1, f.removeDoneCallback(cb2));
      assertEquals(0, f.removeDoneCallback(cb3), "never added");
      f.addDoneCallback(cb2);
      for (int i = 0; i < 5; i++) {
        f.addDoneCallback(cb1);
      }
      assertEquals(6, f.removeDoneCallback(cb1));
      f.setResult("foo");
      Turns.briefly(loop);
      assertEquals(List.of(2), bag);
    }
  }

  @BackendTest
  void removingACallbackFromInsideACallbackAfterCompletionRemovesNothing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> trace = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> plain = x -> trace.add("plain");
      f.addDoneCallback(x -> trace.add("removed " + x.removeDoneCallback(plain)));
      f.addDoneCallback(plain);
      f.addDoneCallback(plain);
      f.setResult("v");
      Turns.briefly(loop);
      assertEquals(List.of("removed 0", "plain", "plain"), trace, "callbacks were scheduled at completion");
    }
  }

  @BackendTest
  void aCallbackAddedToADoneFutureRunsOnALaterTurn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> trace = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.setResult("v");
      f.addDoneCallback(x -> trace.add("cb " + x.result()));
      trace.add("after add");
      Turns.briefly(loop);
      assertEquals(List.of("after add", "cb v"), trace);
    }
  }

  @BackendTest
  void wrapGivesTheResultOfACompletableFutureFromAnotherThread(String backend) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (EventLoop loop = Backends.open(backend)) {
      Thread loopThread = Thread.currentThread();
      CompletableFuture<Thread> source = CompletableFuture.supplyAsync(Thread::currentThread, pool);
      Future<Thread> wrapped = loop.wrap(source);
      Thread worker = Turns.await(loop, wrapped, "the wrapped executor result");
      assertNotSame(loopThread, worker);
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @BackendTest
  void cancellingTheWrapperCancelsTheSource(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      CompletableFuture<Integer> source = new CompletableFuture<>();
      Future<Integer> wrapped = loop.wrap(source);
      assertTrue(wrapped.cancel());
      Turns.briefly(loop);
      assertTrue(source.isCancelled());
      assertTrue(wrapped.isCancelled());
    }
  }

  @BackendTest
  void cancellingTheWrapperAfterTheSourceCompletedLeavesTheSourceAlone(String backend)
      throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      CompletableFuture<Integer> source = new CompletableFuture<>();
      Future<Integer> wrapped = loop.wrap(source);
      source.complete(42);
      wrapped.cancel();
      Turns.briefly(loop);
      assertFalse(source.isCancelled());
      assertEquals(42, source.get());
      assertTrue(wrapped.isDone());
    }
  }

  @BackendTest
  void wrapCopiesAResultAnExceptionOrACancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> ok = loop.wrap(CompletableFuture.completedFuture(10));
      IllegalStateException boom = new IllegalStateException("test exception");
      Future<Integer> failed = loop.wrap(CompletableFuture.failedFuture(boom));
      CompletableFuture<Integer> cancelledSource = new CompletableFuture<>();
      cancelledSource.cancel(false);
      Future<Integer> cancelled = loop.wrap(cancelledSource);
      Turns.briefly(loop);
      assertEquals(10, ok.result());
      assertSame(boom, failed.exception());
      assertTrue(cancelled.isCancelled());
    }
  }

  @BackendTest
  void aLateResultFromAnotherThreadIsIgnoredByACancelledFuture(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      f.cancel();
      Thread t = Thread.ofPlatform().start(() -> f.setResult(2));
      t.join();
      Turns.briefly(loop);
      assertTrue(f.isCancelled());
    }
  }

  @BackendTest
  void aResultReachesAForeignThreadThroughToCompletableFuture(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      CompletableFuture<String> cf = f.toCompletableFuture();
      CompletableFuture<String> seenByOther = new CompletableFuture<>();
      Thread other = Thread.ofPlatform().start(() -> {
        try {
          seenByOther.complete(cf.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
          seenByOther.completeExceptionally(e);
        }
      });
      loop.callSoon(() -> f.setResult("hello"));
      Turns.await(loop, f, "the result");
      Turns.briefly(loop);
      other.join();
      assertEquals("hello", seenByOther.get());
    }
  }

  @BackendTest
  void anExceptionReachesAForeignThreadThroughToCompletableFuture(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      CompletableFuture<String> cf = f.toCompletableFuture();
      IllegalStateException boom = new IllegalStateException("Fail!");
      f.setException(boom);
      Turns.briefly(loop);
      ExecutionException e = assertThrows(ExecutionException.class, () -> cf.get(10, TimeUnit.SECONDS));
      assertSame(boom, e.getCause());
    }
  }

  @BackendTest
  void aCancellationReachesTheCompletableFuture(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      CompletableFuture<String> cf = f.toCompletableFuture();
      f.cancel();
      Turns.briefly(loop);
      assertTrue(cf.isCancelled());
    }
  }

  @BackendTest
  void cancelFromAnotherThreadTakesEffectOnTheLoop(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      CountDownLatch queued = new CountDownLatch(1);
      boolean[] accepted = {false};
      loop.callSoon(() -> Thread.ofPlatform().start(() -> {
        accepted[0] = f.cancel("from elsewhere");
        queued.countDown();
      }));
      CancellationException e =
          assertThrows(CancellationException.class, () -> Turns.await(loop, f, "the foreign cancel"));
      assertTrue(queued.await(10, TimeUnit.SECONDS));
      assertTrue(accepted[0]);
      assertTrue(f.isCancelled());
      assertEquals("from elsewhere", e.getMessage());
    }
  }
}
