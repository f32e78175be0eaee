package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.InvalidStateException;
import zloop.Task;

/**
 * zloop's future as a {@link java.util.concurrent.Future}: the JDK's methods ({@code get}, {@code
 * state}, {@code resultNow}, {@code exceptionNow}, {@code cancel(boolean)}), the one exception model
 * of {@code join()}/{@code result()}, and cancellation through the {@link CompletableFuture} view.
 * The state facts are test_futures.py's, read through the JDK's names.
 */
@Timeout(60)
class FutureJdkTest {

  /** What a library written against the JDK's interface does with a future it is given. */
  private static <T> T jdkGet(java.util.concurrent.Future<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  @BackendTest
  void aLoopFuturePassesWhereTheJdkFutureIsExpected(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      AtomicReference<Object> seen = new AtomicReference<>();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      seen.set(jdkGet(f));
                    } catch (Exception e) {
                      seen.set(e);
                    }
                  });
      loop.callLater(Duration.ofMillis(5), () -> f.setResult("through the JDK's interface"));
      loop.runUntilComplete(f);
      reader.join();
      assertEquals("through the JDK's interface", seen.get());
    }
  }

  /** test_futures.py::test_initial_state, test_result, test_exception, test_cancel: in JDK terms. */
  @BackendTest
  void stateFollowsTheFutureThroughEachOutcome(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> ok = loop.createFuture();
      assertEquals(java.util.concurrent.Future.State.RUNNING, ok.state(), "pending is RUNNING");
      ok.setResult("v");
      assertEquals(java.util.concurrent.Future.State.SUCCESS, ok.state());

      Future<String> failed = loop.createFuture();
      failed.setException(new IOException("io"));
      assertEquals(java.util.concurrent.Future.State.FAILED, failed.state());
      failed.exception();

      Future<String> cancelled = loop.createFuture();
      assertTrue(cancelled.cancel(true), "the JDK's cancel cancels a pending future");
      assertTrue(cancelled.isDone(), "done as soon as cancel(boolean) returns, on the loop thread");
      assertTrue(cancelled.isCancelled());
      assertEquals(java.util.concurrent.Future.State.CANCELLED, cancelled.state());
      assertFalse(cancelled.cancel(false), "a done future refuses the JDK's cancel too");
    }
  }

  /** test_futures.py::test_result and test_exception: the non-blocking reads, the JDK's way. */
  @BackendTest
  void resultNowAndExceptionNowFollowTheJdkRules(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> pending = loop.createFuture();
      assertThrows(IllegalStateException.class, pending::resultNow);
      assertThrows(IllegalStateException.class, pending::exceptionNow);

      Future<String> ok = loop.createFuture();
      ok.setResult("v");
      assertEquals("v", ok.resultNow());
      assertThrows(IllegalStateException.class, ok::exceptionNow);

      IOException io = new IOException("io");
      Future<String> failed = loop.createFuture();
      failed.setException(io);
      IllegalStateException notASuccess = assertThrows(IllegalStateException.class, failed::resultNow);
      assertSame(io, notASuccess.getCause(), "resultNow names the failure");
      assertSame(io, failed.exceptionNow());

      Future<String> cancelled = loop.createFuture();
      cancelled.cancel();
      assertThrows(IllegalStateException.class, cancelled::resultNow);
      assertThrows(IllegalStateException.class, cancelled::exceptionNow);
    }
  }

  /** One model: checked and unchecked failures alike arrive in CompletionException; cancellation bare. */
  @BackendTest
  void joinAndResultWrapEveryFailureAndNoCancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      RuntimeException unchecked = new IllegalArgumentException("unchecked");
      IOException checked = new IOException("checked");
      Error error = new AssertionError("error");
      for (Throwable failure : new Throwable[] {unchecked, checked, error}) {
        Future<String> f = loop.createFuture();
        f.setException(failure);
        assertSame(failure, assertThrows(CompletionException.class, f::result).getCause());
        assertSame(failure, assertThrows(CompletionException.class, f::join).getCause());
        assertSame(failure, assertThrows(CompletionException.class, () -> loop.runUntilComplete(f)).getCause());
        assertSame(failure, f.exception(), "exception() is never wrapped");
      }
      CompletionException already = new CompletionException(new IOException("inner"));
      Future<String> wrapped = loop.createFuture();
      wrapped.setException(already);
      assertSame(already, assertThrows(CompletionException.class, wrapped::join), "not wrapped twice");

      Future<String> cancelled = loop.createFuture();
      cancelled.cancel("why");
      assertEquals("why", assertThrows(CancellationException.class, cancelled::join).getMessage());
      assertEquals("why", assertThrows(CancellationException.class, cancelled::result).getMessage());
      assertThrows(CancellationException.class, cancelled::get, "get() too throws it bare");
    }
  }

  @BackendTest
  void aFailurePassesThroughAChainOfTasksUnwrapped(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IOException io = new IOException("deep");
      Task<String> inner = loop.createTask(() -> {
        throw io;
      });
      Task<String> middle = loop.createTask(inner::join);
      Task<String> outer = loop.createTask(middle::join);
      CompletionException e = assertThrows(CompletionException.class, () -> loop.runUntilComplete(outer));
      assertSame(io, e.getCause(), "one wrapper, whatever the depth");
      assertSame(io, middle.exception(), "each task fails with the original, as through await");
      assertSame(io, outer.exception());
    }
  }

  @BackendTest
  void getFromAnotherThreadWrapsTheFailureInExecutionException(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalStateException boom = new IllegalStateException("boom");
      Future<String> f = loop.createFuture();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      f.get();
                    } catch (ExecutionException | InterruptedException | RuntimeException e) {
                      thrown.set(e);
                    }
                  });
      loop.callLater(Duration.ofMillis(5), () -> f.setException(boom));
      assertThrows(CompletionException.class, () -> loop.runUntilComplete(f));
      reader.join();
      assertSame(boom, assertInstanceOf(ExecutionException.class, thrown.get()).getCause());
    }
  }

  @BackendTest
  void getInATaskParksOnlyTheTask(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      int[] ticks = {0};
      Task<String> waiter =
          loop.createTask(
              () -> {
                try {
                  return f.get();
                } catch (ExecutionException e) {
                  return "failed: " + e.getCause().getMessage();
                }
              });
      loop.callSoon(() -> ticks[0]++);
      loop.callSoon(() -> loop.callSoon(() -> f.setException(new IOException("late"))));
      assertEquals("failed: late", loop.runUntilComplete(waiter));
      assertEquals(1, ticks[0], "other callbacks ran while the task waited in get()");
    }
  }

  @BackendTest
  void getOnTheLoopThreadOutsideATaskIsRefused(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> pending = loop.createFuture();
      AtomicReference<Throwable> refused = new AtomicReference<>();
      loop.callSoon(
          () -> {
            try {
              pending.get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
              refused.set(e);
            }
            loop.stop();
          });
      loop.runForever();
      IllegalStateException refusal = assertInstanceOf(IllegalStateException.class, refused.get());
      assertTrue(refusal.getMessage().contains("would block the event loop"), refusal.getMessage());
      assertFalse(pending.isDone(), "the future is left alone");
      pending.setResult("done");
      AtomicReference<Object> answered = new AtomicReference<>();
      loop.callSoon(
          () -> {
            try {
              answered.set(pending.get()); // a done future answers at once, even here
            } catch (Exception failure) {
              answered.set(failure);
            }
            loop.stop();
          });
      loop.runForever();
      assertEquals("done", answered.get());
    }
  }

  @BackendTest
  void getWithATimeoutInATaskLeavesTheFutureAlone(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> slow = loop.createFuture();
      Task<String> waiter =
          loop.createTask(
              () -> {
                try {
                  return slow.get(10, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                  return "timed out";
                }
              });
      assertEquals("timed out", loop.runUntilComplete(waiter));
      assertFalse(slow.isDone(), "unlike waitFor, get's timeout does not cancel the future");
      Task<String> patient = loop.createTask(() -> slow.get(30, TimeUnit.SECONDS));
      loop.callSoon(() -> slow.setResult("in time"));
      assertEquals("in time", loop.runUntilComplete(patient));
    }
  }

  @BackendTest
  void getWithATimeoutFromAnotherThreadLeavesTheFutureAlone(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> never = loop.createFuture();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Future<Void> readerDone = loop.createFuture();
      Thread.ofPlatform()
          .start(
              () -> {
                try {
                  never.get(10, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                  thrown.set(e);
                }
                readerDone.setResult(null);
              });
      loop.runUntilComplete(readerDone);
      assertInstanceOf(TimeoutException.class, thrown.get());
      assertFalse(never.isDone());
      never.cancel();
    }
  }

  @BackendTest
  void anInterruptedGetThrowsInterruptedExceptionAndLeavesTheFutureAlone(String backend)
      throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> never = loop.createFuture();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      CountDownLatch waiting = new CountDownLatch(1);
      Future<Void> readerDone = loop.createFuture();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    waiting.countDown();
                    try {
                      never.get();
                    } catch (Exception e) {
                      thrown.set(e);
                    }
                    readerDone.setResult(null);
                  });
      waiting.await();
      reader.interrupt();
      loop.runUntilComplete(readerDone);
      reader.join();
      assertInstanceOf(InterruptedException.class, thrown.get());
      assertFalse(never.isDone());
      never.cancel();
    }
  }

  /**
   * A task whose thread is interrupted and then joins a pending future ends the join with a
   * cancellation, keeping the interrupt set, as join does on any other thread. It used to spin:
   * every park returned at once on the interrupt, and the loop thread carrying the task never got
   * back (so the loop runs on a daemon thread here, and a loop that never returns fails the test
   * instead of hanging it).
   */
  @BackendTest
  void anInterruptedJoinInATaskThrowsAndKeepsTheInterrupt(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> never = loop.createFuture();
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread runner =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    Task<String> waiter =
                        loop.createTask(
                            () -> {
                              Thread.currentThread().interrupt();
                              try {
                                never.join();
                                return "joined";
                              } catch (CancellationException e) {
                                return e.getMessage()
                                    + ", interrupt kept: "
                                    + Thread.currentThread().isInterrupted();
                              }
                            });
                    try {
                      outcome.set(loop.runUntilComplete(waiter));
                    } catch (RuntimeException e) {
                      outcome.set(e);
                    }
                  });
      runner.join(Duration.ofSeconds(30));
      assertFalse(runner.isAlive(), "the loop never came back from the task's interrupted join");
      assertEquals("join() was interrupted, interrupt kept: true", outcome.get());
      assertFalse(never.isDone(), "an interrupted join leaves the future alone");
      never.cancel();
    }
  }

  @BackendTest
  void cancellingATaskWaitingInGetCancelsTheFutureAsJoinDoes(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> awaited = loop.createFuture();
      Task<String> waiter = loop.createTask(() -> awaited.get());
      loop.callSoon(() -> loop.callSoon(() -> waiter.cancel("stop")));
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(waiter));
      assertTrue(awaited.isCancelled(), "the awaited future was cancelled, as by join()");
      assertTrue(waiter.isCancelled());
    }
  }

  @BackendTest
  void cancellingTheCompletableViewCancelsTheLoopFuture(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      CompletableFuture<String> view = f.toCompletableFuture();
      Thread canceller = Thread.ofPlatform().start(() -> view.cancel(false));
      canceller.join();
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(f));
      assertTrue(f.isCancelled(), "the view's cancellation reached the loop future");

      Task<String> task = loop.createTask(() -> loop.sleep(Duration.ofHours(1), "never").join());
      CompletableFuture<String> taskView = task.toCompletableFuture();
      loop.callSoon(() -> taskView.cancel(true));
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertTrue(task.isCancelled(), "a task's view cancels the task");
    }
  }

  @BackendTest
  void cancellingTheLoopFutureCancelsItsView(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      CompletableFuture<String> view = f.toCompletableFuture();
      f.cancel();
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(f));
      Turns.run(loop, 2);
      assertTrue(view.isCancelled());

      Future<String> done = loop.createFuture();
      CompletableFuture<String> doneView = done.toCompletableFuture();
      done.setResult("v");
      Turns.run(loop, 2);
      assertEquals("v", doneView.join());
      doneView.cancel(true);
      assertFalse(done.isCancelled(), "a completed view's cancel is a no-op for the loop future");
      assertNull(done.exception());
    }
  }

  @BackendTest
  void resultOfAPendingFutureIsStillInvalidState(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      assertThrows(InvalidStateException.class, f::result);
      f.cancel();
    }
  }
}
