package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.Task;

/** {@code asyncio.wait_for}: facts from CPython's test_waitfor.py. */
@Timeout(60)
class WaitForTest {

  private static final Duration LONG = Duration.ofHours(1);
  private static final Duration SHORT = Duration.ofMillis(10);

  /** The TimeoutException a timed-out waitFor reports through join() (a checked exception). */
  private static TimeoutException timeoutOf(Throwable joinFailure) {
    CompletionException wrapper = assertInstanceOf(CompletionException.class, joinFailure);
    return assertInstanceOf(TimeoutException.class, wrapper.getCause());
  }

  /** A task that runs on through cancellations for 20 turns (test_waitfor's SlowTask). */
  private static Task<String> slowTask(EventLoop loop, boolean[] exited) {
    return loop.createTask(
        () -> {
          for (int turn = 0; turn < 20; turn++) {
            try {
              loop.sleep(Duration.ZERO).join();
            } catch (CancellationException ignored) {
              // keeps going: this task ignores cancel requests
            }
          }
          exited[0] = true;
          return "exited";
        });
  }

  /**
   * A task that waits "forever" and, once cancelled, spends a few turns cleaning up before it ends
   * cancelled.
   */
  private static Task<String> cleaningTask(EventLoop loop, boolean[] running) {
    return loop.createTask(
        () -> {
          running[0] = true;
          try {
            return loop.sleep(LONG, "slept").join();
          } catch (CancellationException e) {
            loop.sleep(Duration.ZERO).join();
            loop.sleep(Duration.ZERO).join();
            throw e;
          } finally {
            running[0] = false;
          }
        });
  }

  /** Regression (issue 10 item 8): the waiter resumed while the inner task was still running. */
  @BackendTest
  void cancellingTheWaiterWaitsForTheInnerTaskToFinish(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] exited = {false};
      boolean[] innerDoneWhenResumed = {false};
      Task<String> slow = slowTask(loop, exited);
      Task<String> waiter =
          loop.createTask(
              () -> {
                try {
                  return loop.waitFor(slow, LONG).join();
                } finally {
                  innerDoneWhenResumed[0] = slow.isDone();
                }
              });
      Turns.run(loop, 2);
      assertTrue(waiter.cancel());
      // The inner task swallowed the cancellation and returned: that value is waitFor's result.
      assertEquals("exited", loop.runUntilComplete(waiter));
      assertTrue(innerDoneWhenResumed[0], "the waiter resumed only once the inner task was done");
      assertTrue(exited[0]);
    }
  }

  /** Regression (issue 10 item 8), on the future itself: it was cancelled before the inner was. */
  @BackendTest
  void cancellingTheWaitForFutureEndsItWhenTheInnerEnds(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] running = {false};
      Task<String> inner = cleaningTask(loop, running);
      Future<String> limited = loop.waitFor(inner, LONG);
      Turns.runBriefly(loop);
      assertTrue(limited.cancel("stop"));
      assertFalse(limited.isDone(), "it ends when the inner task has finished cancelling");
      CancellationException e =
          assertThrows(CancellationException.class, () -> loop.runUntilComplete(limited));
      assertEquals("stop", e.getMessage());
      assertTrue(limited.isCancelled());
      assertTrue(inner.isCancelled());
      assertFalse(running[0], "the inner task's finally block ran first");
    }
  }

  @BackendTest
  void cancellingTheWaiterCancelsABlockedInnerTask(String backend) {
    for (Duration timeout : Arrays.asList(null, Duration.ofSeconds(60))) {
      try (EventLoop loop = Backends.open(backend)) {
        Future<Void> never = loop.createFuture();
        Task<Void> blocking = loop.createTask(never::join);
        Task<Void> waiter = loop.createTask(() -> loop.waitFor(blocking, timeout).join());
        loop.callSoon(waiter::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(waiter));
        assertTrue(blocking.isCancelled(), "bpo-23219: cancelling the wait cancels the task");
        assertTrue(never.isCancelled());
      }
    }
  }

  @BackendTest
  void aTimeoutCancelsTheInnerTaskAndWaitsForItsCleanup(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] running = {false};
      boolean[] runningWhenResumed = {true};
      Task<String> inner = cleaningTask(loop, running);
      Task<String> waiter =
          loop.createTask(
              () -> {
                try {
                  return loop.waitFor(inner, SHORT).join();
                } finally {
                  runningWhenResumed[0] = running[0];
                }
              });
      TimeoutException e =
          timeoutOf(assertThrows(Throwable.class, () -> loop.runUntilComplete(waiter)));
      assertInstanceOf(
          CancellationException.class, e.getCause(), "caused by the inner cancellation");
      assertTrue(inner.isCancelled());
      assertFalse(runningWhenResumed[0], "the inner task had finished when the waiter resumed");
    }
  }

  /** The one timeout model: the future fails with TimeoutException; join() wraps it (checked). */
  @BackendTest
  void aTimedOutWaitForFailsWithATimeoutException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> never = loop.createFuture();
      Future<String> limited = loop.waitFor(never, SHORT);
      timeoutOf(assertThrows(CompletionException.class, () -> loop.runUntilComplete(limited)));
      assertFalse(limited.isCancelled(), "a timeout is a failure, not a cancellation");
      TimeoutException e = assertInstanceOf(TimeoutException.class, limited.exception());
      assertInstanceOf(CancellationException.class, e.getCause());
      assertSame(e, assertThrows(CompletionException.class, limited::result).getCause());
      assertTrue(never.isCancelled());
    }
  }

  @BackendTest
  void aDoneFutureGivesItsResultEvenWithATimeoutOfZeroOrLess(String backend) {
    for (Duration timeout : Arrays.asList(Duration.ZERO, Duration.ofSeconds(-1))) {
      try (EventLoop loop = Backends.open(backend)) {
        Future<String> done = loop.createFuture();
        done.setResult("done");
        assertEquals("done", loop.runUntilComplete(loop.waitFor(done, timeout)));
      }
    }
  }

  @BackendTest
  void aTimeoutOfZeroNeverStartsATaskThatHasNotStarted(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] started = {false};
      Task<Void> foo =
          loop.createTask(
              () -> {
                started[0] = true;
                return null;
              });
      Future<Void> limited = loop.waitFor(foo, Duration.ZERO);
      timeoutOf(assertThrows(CompletionException.class, () -> loop.runUntilComplete(limited)));
      assertFalse(started[0]);
      assertTrue(foo.isCancelled());
    }
  }

  @BackendTest
  void aTimeoutOfZeroOrLessCancelsARunningTask(String backend) {
    for (Duration timeout : Arrays.asList(Duration.ZERO, Duration.ofSeconds(-1))) {
      try (EventLoop loop = Backends.open(backend)) {
        boolean[] running = {false};
        Task<String> foo = cleaningTask(loop, running);
        Turns.runBriefly(loop);
        assertTrue(running[0]);
        Future<String> limited = loop.waitFor(foo, timeout);
        timeoutOf(assertThrows(CompletionException.class, () -> loop.runUntilComplete(limited)));
        assertTrue(foo.isCancelled());
        assertFalse(running[0]);
      }
    }
  }

  /** Regression (issue 10 item 8): a null timeout threw NullPointerException. */
  @BackendTest
  void aNullTimeoutMeansNoTimeout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> coro =
          loop.createTask(
              () -> {
                loop.sleep(Duration.ofMillis(20)).join();
                return "done";
              });
      Future<String> unlimited = loop.waitFor(coro, null);
      assertEquals("done", loop.runUntilComplete(unlimited));
    }
  }

  @BackendTest
  void aResultBeforeTheDeadlineIsTheResult(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> fut = loop.createFuture();
      Future<String> limited = loop.waitFor(fut, Duration.ofSeconds(60));
      loop.callSoon(() -> fut.setResult("ok"));
      assertEquals("ok", loop.runUntilComplete(limited));
    }
  }

  @BackendTest
  void aTaskThatSwallowsTheTimeoutGivesItsValue(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] sawCancellation = {false};
      Task<Integer> return42 =
          loop.createTask(
              () -> {
                try {
                  loop.sleep(LONG).join();
                  return 0;
                } catch (CancellationException e) {
                  sawCancellation[0] = true;
                  return 42;
                }
              });
      assertEquals(42, loop.runUntilComplete(loop.waitFor(return42, SHORT)));
      assertTrue(sawCancellation[0]);
    }
  }

  @BackendTest
  void aTimeoutOfZeroWaitsForTheInnerCleanup(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] running = {false};
      Task<String> inner = cleaningTask(loop, running);
      Task<String> foo =
          loop.createTask(
              () -> {
                loop.sleep(Duration.ZERO).join();
                return loop.waitFor(inner, Duration.ZERO).join();
              });
      TimeoutException e =
          timeoutOf(assertThrows(Throwable.class, () -> loop.runUntilComplete(foo)));
      assertInstanceOf(CancellationException.class, e.getCause());
      assertTrue(inner.isDone());
      assertFalse(running[0]);
    }
  }

  /** An unchecked exception: join() wraps it as it wraps every failure. */
  private static final class FooException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @BackendTest
  void aFailureRaisedWhileCancellingIsPassedOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<Void> inner =
          loop.createTask(
              () -> {
                try {
                  loop.sleep(LONG).join();
                } finally {
                  throw new FooException();
                }
              });
      Task<Void> foo = loop.createTask(() -> loop.waitFor(inner, SHORT).join());
      assertInstanceOf(
          FooException.class,
          assertThrows(CompletionException.class, () -> loop.runUntilComplete(foo)).getCause());
    }
  }

  @BackendTest
  void aWaiterCancelledAfterWaitForReturnedStopsThere(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> inner = loop.createTask(() -> "done");
      boolean[] reachedEnd = {false};
      Task<Void> waiter =
          loop.createTask(
              () -> {
                loop.waitFor(inner, Duration.ofSeconds(100)).join();
                loop.sleep(LONG).join();
                reachedEnd[0] = true;
                return null;
              });
      assertFalse(waiter.isDone());
      Turns.runBriefly(loop);
      waiter.cancel();
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(waiter));
      assertEquals("done", inner.result());
      assertFalse(reachedEnd[0]);
    }
  }

  /** asyncio.timeout's rule, which wait_for follows since 3.12: a caller's cancel beats expiry. */
  @BackendTest
  void aCallersCancellationWinsOverAnExpiredTimeout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> timedOutSeen = loop.createFuture();
      Task<String> inner =
          loop.createTask(
              () -> {
                try {
                  return loop.sleep(LONG, "slept").join();
                } catch (CancellationException first) {
                  timedOutSeen.setResult(null);
                  return loop.<String>createFuture().join(); // cleanup that waits
                }
              });
      Future<String> limited = loop.waitFor(inner, SHORT);
      Task<Void> caller =
          loop.createTask(
              () -> {
                timedOutSeen.join();
                assertTrue(limited.cancel("caller"));
                return null;
              });
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(limited));
      assertTrue(limited.isCancelled(), "cancelled, not timed out");
      assertTrue(inner.isCancelled());
      loop.runUntilComplete(caller);
    }
  }

  @BackendTest
  void cancelReturnsFalseOnceTheInnerFutureIsDone(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> fut = loop.createFuture();
      Future<String> limited = loop.waitFor(fut, LONG);
      boolean[] cancelResult = {true};
      loop.callSoon(
          () -> {
            fut.setResult("kept");
            cancelResult[0] = limited.cancel();
          });
      assertEquals("kept", loop.runUntilComplete(limited));
      assertFalse(cancelResult[0]);
    }
  }

  @BackendTest
  void aFutureOfAnotherLoopIsRefused(String backend) {
    try (EventLoop loop = Backends.open(backend);
        EventLoop other = Backends.open(backend)) {
      Future<String> theirs = other.createFuture();
      assertThrows(IllegalArgumentException.class, () -> loop.waitFor(theirs, LONG));
      assertThrows(NullPointerException.class, () -> loop.waitFor(null, LONG));
    }
  }
}
