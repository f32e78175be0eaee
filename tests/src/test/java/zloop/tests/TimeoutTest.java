package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.Task;

/** {@code asyncio.timeout} as {@code EventLoop.withTimeout}: facts from test_timeouts.py. */
@Timeout(60)
class TimeoutTest {

  private static final Duration LONG = Duration.ofHours(1);
  private static final Duration SHORT = Duration.ofMillis(10);

  /** Runs the body as a task to its end and returns what it returned. */
  private static <T> T inTask(EventLoop loop, Callable<T> body) {
    return loop.runUntilComplete(loop.createTask(body));
  }

  /** Sleeps "forever": only a cancellation ends it. */
  private static Void sleepLong(EventLoop loop) {
    loop.sleep(LONG).join();
    return null;
  }

  @BackendTest
  void anExpiredScopeThrowsATimeoutException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Throwable thrown =
          inTask(
              loop,
              () -> {
                try {
                  loop.withTimeout(SHORT, () -> sleepLong(loop));
                  return null;
                } catch (TimeoutException e) {
                  return e;
                }
              });
      assertInstanceOf(TimeoutException.class, thrown);
    }
  }

  @BackendTest
  void theTimeoutIsCausedByTheCancellationItUsed(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      TimeoutException e =
          inTask(
              loop,
              () ->
                  assertThrows(
                      TimeoutException.class,
                      () ->
                          loop.withTimeout(
                              SHORT,
                              () -> {
                                try {
                                  throw new ArithmeticException("1/0");
                                } finally {
                                  loop.sleep(LONG).join();
                                }
                              })));
      assertInstanceOf(CancellationException.class, e.getCause());
    }
  }

  @BackendTest
  void onlyTheOutermostExpiredScopeReportsATimeout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] innerSawCancellation = {false};
      Object outcome =
          inTask(
              loop,
              () -> {
                try {
                  return loop.withTimeout(
                      SHORT,
                      () -> {
                        try {
                          return loop.withTimeout(SHORT, () -> sleepLong(loop));
                        } catch (CancellationException e) {
                          innerSawCancellation[0] = true;
                          throw e;
                        }
                      });
                } catch (TimeoutException e) {
                  return e;
                }
              });
      assertInstanceOf(TimeoutException.class, outcome);
      assertTrue(innerSawCancellation[0]);
    }
  }

  @BackendTest
  void theBodySeesTheCancellationFirst(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] cancelled = {false};
      Task<Object> task =
          loop.createTask(
              () -> {
                try {
                  return loop.withTimeout(
                      SHORT,
                      () -> {
                        try {
                          return sleepLong(loop);
                        } catch (CancellationException e) {
                          cancelled[0] = true;
                          throw e;
                        }
                      });
                } catch (TimeoutException e) {
                  return e;
                }
              });
      assertInstanceOf(TimeoutException.class, loop.runUntilComplete(task));
      assertTrue(cancelled[0]);
      assertFalse(task.isCancelled(), "the task that caught the timeout is not cancelled");
      assertEquals(0, task.cancelling(), "the scope withdrew its cancellation request");
    }
  }

  @BackendTest
  void aScopeThatDoesNotExpireLeavesTheTaskAlone(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> task =
          loop.createTask(
              () -> {
                // The body never waits, so its deadline cannot pass while it runs.
                String inside = loop.withTimeout(SHORT, () -> "inside");
                // The timer died with the scope: waiting past the deadline is not cancelled.
                loop.sleep(SHORT.multipliedBy(3)).join();
                return inside + ", after";
              });
      assertEquals("inside, after", loop.runUntilComplete(task));
      assertEquals(0, task.cancelling());
    }
  }

  /** Regression (issue 10 item 8): a null timeout threw NullPointerException. */
  @BackendTest
  void aNullTimeoutMeansNoTimeout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      String result =
          inTask(
              loop,
              () -> loop.withTimeout(null, () -> loop.sleep(SHORT, "slept").join()));
      assertEquals("slept", result);
    }
  }

  @BackendTest
  void aTimeoutOfZeroOrLessExpiresAtTheFirstWait(String backend) {
    for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-11))) {
      for (Duration sleep : List.of(LONG, Duration.ZERO)) {
        try (EventLoop loop = Backends.open(backend)) {
          Object outcome =
              inTask(
                  loop,
                  () -> {
                    try {
                      return loop.withTimeout(timeout, () -> loop.sleep(sleep, "slept").join());
                    } catch (TimeoutException e) {
                      return e;
                    }
                  });
          assertInstanceOf(TimeoutException.class, outcome, timeout + " then sleep " + sleep);
        }
      }
    }
  }

  @BackendTest
  void aForeignExceptionPassesThrough(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Throwable thrown =
          inTask(
              loop,
              () ->
                  assertThrows(
                      IllegalArgumentException.class,
                      () ->
                          loop.withTimeout(
                              SHORT,
                              () -> {
                                throw new IllegalArgumentException("key");
                              })));
      assertEquals("key", thrown.getMessage());
    }
  }

  @BackendTest
  void aForeignExceptionRaisedWhileTimingOutWins(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Throwable thrown =
          inTask(
              loop,
              () ->
                  assertThrows(
                      ArithmeticException.class,
                      () ->
                          loop.withTimeout(
                              SHORT,
                              () -> {
                                try {
                                  return sleepLong(loop);
                                } finally {
                                  throw new ArithmeticException("1/0");
                                }
                              })));
      assertEquals("1/0", thrown.getMessage());
    }
  }

  @BackendTest
  void aForeignCancellationIsNotATimeout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Task<?>> self = new ArrayList<>();
      Task<Object> task =
          loop.createTask(
              () ->
                  loop.withTimeout(
                      Duration.ofSeconds(60),
                      () -> {
                        self.get(0).cancel();
                        return sleepLong(loop);
                      }));
      self.add(task);
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertTrue(task.isCancelled());
    }
  }

  /**
   * Regression (issue 10 item 9): a task that had swallowed a cancellation got a
   * CancellationException, not a TimeoutException, from its next expired scope.
   */
  @BackendTest
  void aTimeoutAfterASwallowedCancellationIsStillATimeout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Task<?>> self = new ArrayList<>();
      Task<Object> task =
          loop.createTask(
              () -> {
                try {
                  self.get(0).cancel();
                  sleepLong(loop); // work which will be cancelled
                } catch (CancellationException swallowed) {
                  // cancelling() stays 1: the task swallowed it without uncancel()
                }
                try {
                  return loop.withTimeout(Duration.ZERO, () -> sleepLong(loop)); // some cleanup
                } catch (TimeoutException e) {
                  return e;
                }
              });
      self.add(task);
      assertInstanceOf(TimeoutException.class, loop.runUntilComplete(task));
      assertEquals(1, task.cancelling(), "the swallowed request is still counted");
    }
  }

  @BackendTest
  void aCancellationInsideAScopeAfterASwallowedOneIsACancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Task<?>> self = new ArrayList<>();
      Task<Object> task =
          loop.createTask(
              () -> {
                try {
                  self.get(0).cancel();
                  sleepLong(loop);
                } catch (CancellationException swallowed) {
                  // ignored on purpose
                }
                return loop.withTimeout(
                    Duration.ofSeconds(60),
                    () -> {
                      self.get(0).cancel();
                      return sleepLong(loop);
                    });
              });
      self.add(task);
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
    }
  }

  /** Regression (issue 10 item 9): the nested scope in finally reported a cancellation. */
  @BackendTest
  void aScopeInsideTheFinallyOfAnExpiredOneTimesOutToo(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Throwable> seen = new ArrayList<>();
      Object outcome =
          inTask(
              loop,
              () -> {
                try {
                  return loop.withTimeout(
                      SHORT,
                      () -> {
                        try {
                          return sleepLong(loop);
                        } finally {
                          try {
                            loop.withTimeout(SHORT, () -> sleepLong(loop));
                          } catch (TimeoutException | CancellationException e) {
                            seen.add(e);
                          }
                        }
                      });
                } catch (TimeoutException e) {
                  return e;
                }
              });
      assertInstanceOf(TimeoutException.class, outcome);
      assertEquals(1, seen.size());
      assertInstanceOf(TimeoutException.class, seen.get(0), "the nested scope expired on its own");
      assertInstanceOf(CancellationException.class, seen.get(0).getCause());
    }
  }

  /** asyncio.timeout's __aexit__: a caller's cancellation during an expiry wins. */
  @BackendTest
  void aCallersCancellationWinsOverAnExpiredScope(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> timedOutSeen = loop.createFuture();
      Task<Object> task =
          loop.createTask(
              () ->
                  loop.withTimeout(
                      SHORT,
                      () -> {
                        try {
                          return sleepLong(loop);
                        } catch (CancellationException first) {
                          timedOutSeen.setResult(null);
                          return loop.createFuture().join(); // cleanup that waits
                        }
                      }));
      Task<Boolean> caller =
          loop.createTask(
              () -> {
                timedOutSeen.join();
                return task.cancel("caller");
              });
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
      assertTrue(task.isCancelled());
      assertTrue(loop.runUntilComplete(caller));
    }
  }

  @BackendTest
  void aBodyThatSwallowsTheTimeoutGivesItsValue(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> task =
          loop.createTask(
              () -> {
                String inside =
                    loop.withTimeout(
                        SHORT,
                        () -> {
                          try {
                            sleepLong(loop);
                            return "slept";
                          } catch (CancellationException e) {
                            return "swallowed";
                          }
                        });
                return inside + ", then " + loop.sleep(Duration.ZERO, "still alive").join();
              });
      assertEquals("swallowed, then still alive", loop.runUntilComplete(task));
      assertEquals(0, task.cancelling());
    }
  }

  @BackendTest
  void aScopeOutsideATaskIsRefused(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      assertThrows(IllegalStateException.class, () -> loop.withTimeout(SHORT, () -> "no task"));
      Throwable[] onLoop = {null};
      loop.callSoon(
          () -> {
            try {
              loop.withTimeout(SHORT, () -> "no task");
            } catch (Exception e) {
              onLoop[0] = e;
            }
            loop.stop();
          });
      loop.runForever();
      assertInstanceOf(IllegalStateException.class, onLoop[0]);
    }
  }
}
