package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.InvalidStateException;

/** Futures: results, callbacks, cancellation, threads, CompletableFuture interop. */
@Timeout(60)
class FutureTest {

  @BackendTest
  void doneCallbacksRunOnALaterTurnInOrder(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      List<String> trace = new ArrayList<>();
      f.addDoneCallback(x -> trace.add("1:" + x.result()));
      f.addDoneCallback(x -> trace.add("2:" + x.result()));
      loop.callSoon(
          () -> {
            f.setResult("v");
            trace.add("after setResult");
          });
      loop.runUntilComplete(f);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(List.of("after setResult", "1:v", "2:v"), trace);
    }
  }

  @BackendTest
  void aCallbackAddedToADoneFutureIsScheduled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      f.setResult(3);
      int[] got = {0};
      f.addDoneCallback(x -> got[0] = x.result());
      assertEquals(0, got[0], "never inside addDoneCallback");
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(3, got[0]);
    }
  }

  @BackendTest
  void removeDoneCallbackRemovesEveryRegistration(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      int[] calls = {0};
      Consumer<Future<Integer>> cb = x -> calls[0]++;
      f.addDoneCallback(cb);
      f.addDoneCallback(cb);
      f.addDoneCallback(x -> calls[0] += 100);
      assertEquals(2, f.removeDoneCallback(cb));
      f.setResult(1);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(100, calls[0]);
    }
  }

  @BackendTest
  void removingADoneCallbackAfterCompletionRemovesNothingAndItStillRuns(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      int[] calls = {0};
      Consumer<Future<Integer>> cb = x -> calls[0]++;
      f.addDoneCallback(cb);
      f.setResult(1);
      // asyncio: completion scheduled it and emptied the callback list.
      assertEquals(0, f.removeDoneCallback(cb));
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(1, calls[0]);
    }
  }

  @BackendTest
  void aFailingDoneCallbackIsReportedByNameAndTheNextOneStillRuns(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<zloop.ExceptionContext> seen = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> seen.add(ctx));
      Consumer<Future<Integer>> failing =
          new Consumer<>() {
            @Override
            public void accept(Future<Integer> x) {
              throw new IllegalStateException("callback broke");
            }

            @Override
            public String toString() {
              return "the-failing-callback";
            }
          };
      Future<Integer> one = loop.createFuture();
      one.addDoneCallback(failing);
      Future<Integer> two = loop.createFuture();
      int[] ran = {0};
      two.addDoneCallback(x -> ran[0]++);
      one.setResult(1);
      two.setResult(2);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(1, ran[0]);
      assertEquals(1, seen.size(), seen.toString());
      assertTrue(seen.get(0).message().contains("the-failing-callback"), seen.get(0).message());
      assertEquals("callback broke", seen.get(0).exception().getMessage());
    }
  }

  @BackendTest
  void statesAndInvalidTransitions(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      assertFalse(f.isDone());
      assertThrows(InvalidStateException.class, f::result);
      assertThrows(InvalidStateException.class, f::exception);
      f.setResult("a");
      assertThrows(InvalidStateException.class, () -> f.setResult("b"));
      assertFalse(f.cancel());
      assertEquals("a", f.result());
      assertNull(f.exception());

      Future<String> failed = loop.createFuture();
      IOException io = new IOException("io");
      failed.setException(io);
      assertSame(io, failed.exception());
      CompletionException wrapped = assertThrows(CompletionException.class, failed::result);
      assertSame(io, wrapped.getCause(), "checked exceptions arrive wrapped");
      assertThrows(IllegalArgumentException.class, () -> loop.createFuture().setException(new CancellationException()));

      Future<String> cancelled = loop.createFuture();
      assertTrue(cancelled.cancel("why"));
      assertTrue(cancelled.isCancelled());
      CancellationException ce = assertThrows(CancellationException.class, cancelled::result);
      assertEquals("why", ce.getMessage());
      assertThrows(CancellationException.class, cancelled::exception);
    }
  }

  @BackendTest
  void completionFromAnotherThreadHopsToTheLoop(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      Thread loopThread = Thread.currentThread();
      Thread[] callbackThread = {null};
      f.addDoneCallback(x -> callbackThread[0] = Thread.currentThread());
      Thread other = Thread.ofPlatform().start(() -> f.setResult("from elsewhere"));
      assertEquals("from elsewhere", loop.runUntilComplete(f));
      other.join();
      loop.callSoon(loop::stop);
      loop.runForever();
      assertSame(loopThread, callbackThread[0]);
    }
  }

  @BackendTest
  void joinFromAForeignThreadBlocksUntilTheLoopCompletesTheFuture(String backend)
      throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      CompletableFuture<String> joined = new CompletableFuture<>();
      Thread waiter = Thread.ofPlatform().start(() -> joined.complete(f.join()));
      loop.callLater(java.time.Duration.ofMillis(20), () -> f.setResult("x"));
      loop.runUntilComplete(f);
      waiter.join();
      assertEquals("x", joined.get(10, TimeUnit.SECONDS));
    }
  }

  @BackendTest
  void toCompletableFutureAndWrapInteroperate(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> f = loop.createFuture();
      CompletableFuture<Integer> cf = f.toCompletableFuture();
      loop.callSoon(() -> f.setResult(41));
      loop.runUntilComplete(f);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(41, cf.get(10, TimeUnit.SECONDS));

      CompletableFuture<Integer> external = new CompletableFuture<>();
      Future<Integer> wrapped = loop.wrap(external);
      Thread.ofPlatform().start(() -> external.complete(42));
      assertEquals(42, loop.runUntilComplete(wrapped));

      CompletableFuture<Integer> failing = new CompletableFuture<>();
      Future<Integer> wrappedFailure = loop.wrap(failing);
      Thread.ofPlatform().start(() -> failing.completeExceptionally(new IOException("far away")));
      CompletionException e =
          assertThrows(CompletionException.class, () -> loop.runUntilComplete(wrappedFailure));
      assertInstanceOf(IOException.class, e.getCause());

      CompletableFuture<Integer> toCancel = new CompletableFuture<>();
      Future<Integer> wrappedCancel = loop.wrap(toCancel);
      wrappedCancel.cancel();
      loop.callSoon(loop::stop);
      loop.runForever(); // the cancellation travels through a done callback, on the next turn
      assertTrue(toCancel.isCancelled(), "cancelling the loop side cancels the stage");
    }
  }
}
