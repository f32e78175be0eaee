package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.InTask.LONG;
import static zloop.tests.InTask.inTask;
import static zloop.tests.InTask.sleepLong;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;
import zloop.Task;

/**
 * asyncio's {@code Timeout} object ({@link EventLoop#timeout}, {@link EventLoop#timeoutAt}, {@link
 * EventLoop#timeoutNever}): the deadline that can move, its states and {@code expired()}; facts
 * from CPython's test_timeouts.py. The expiry rules shared with {@code withTimeout} are in
 * TimeoutTest.
 */
@org.junit.jupiter.api.Timeout(60)
class TimeoutScopeTest {

  private static final Duration SHORT = Duration.ofMillis(10);

  /** Runs {@code t.run(body)} in a task and returns what it threw, of the expected type. */
  private static <X extends Throwable> X runThrows(
      EventLoop loop, zloop.Timeout t, Class<X> expected, Callable<?> body) {
    return inTask(loop, () -> assertThrows(expected, () -> t.run(body)));
  }

  @BackendTest
  void anExpiredTimeoutSaysSoAndKeepsItsDeadline(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long deadline = loop.time() + SHORT.toNanos();
      zloop.Timeout t = loop.timeoutAt(deadline);
      TimeoutException e =
          inTask(
              loop, () -> assertThrows(TimeoutException.class, () -> t.run(() -> sleepLong(loop))));
      assertInstanceOf(CancellationException.class, e.getCause());
      assertTrue(t.expired());
      assertEquals(OptionalLong.of(deadline), t.when());
      assertEquals("Timeout[expired]", t.toString());
    }
  }

  @BackendTest
  void aTimeoutThatDidNotPassIsNotExpired(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeout(LONG);
      long[] after = new long[1];
      String value =
          inTask(
              loop,
              () -> {
                String v = t.run(() -> loop.sleep(Duration.ofMillis(1), "slept").join());
                after[0] = loop.time();
                return v;
              });
      assertEquals("slept", value);
      assertFalse(t.expired());
      assertTrue(t.when().getAsLong() - after[0] > 0);
      assertEquals("Timeout[finished]", t.toString());
    }
  }

  @BackendTest
  void aTimeoutWithoutDeadlineNeverExpires(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeoutNever();
      String[] shown = new String[1];
      inTask(
          loop,
          () ->
              t.run(
                  () -> {
                    shown[0] = t.toString();
                    return loop.sleep(Duration.ofMillis(1)).join();
                  }));
      assertFalse(t.expired());
      assertTrue(t.when().isEmpty());
      assertEquals("Timeout[active when=none]", shown[0]);
    }
  }

  @BackendTest
  void aZeroOrPastDeadlineExpiresAtTheFirstWait(String backend) {
    for (Duration delay : new Duration[] {Duration.ZERO, Duration.ofSeconds(-11)}) {
      try (EventLoop loop = Backends.open(backend)) {
        long before = loop.time();
        zloop.Timeout t = loop.timeout(delay);
        long after = loop.time();
        inTask(
            loop,
            () ->
                assertThrows(
                    TimeoutException.class, () -> t.run(() -> loop.sleep(Duration.ZERO).join())));
        assertTrue(t.expired(), delay.toString());
        long when = t.when().getAsLong();
        if (delay.isZero()) {
          assertTrue(when - before >= 0 && after - when >= 0);
        } else {
          assertTrue(when - before < 0);
        }
      }
    }
  }

  @BackendTest
  void onlyTheOutermostOfNestedExpiredTimeoutsThrowsButBothAreExpired(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long deadline = loop.time() + SHORT.toNanos();
      zloop.Timeout outer = loop.timeoutAt(deadline);
      zloop.Timeout inner = loop.timeoutAt(deadline);
      boolean[] innerCancelled = {false};
      runThrows(
          loop,
          outer,
          TimeoutException.class,
          () -> {
            try {
              return inner.run(() -> sleepLong(loop));
            } catch (CancellationException e) {
              innerCancelled[0] = true;
              throw e;
            }
          });
      assertTrue(innerCancelled[0]);
      assertTrue(outer.expired());
      assertTrue(inner.expired());
    }
  }

  @BackendTest
  void anOutsideCancellationIsNotATimeout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeout(LONG);
      runThrows(
          loop,
          t,
          CancellationException.class,
          () -> {
            EventLoops.currentTask().orElseThrow().cancel();
            return sleepLong(loop);
          });
      assertFalse(t.expired());
    }
  }

  @BackendTest
  void anotherExceptionPassesThroughAndLeavesItUnexpired(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeout(SHORT);
      runThrows(
          loop,
          t,
          IllegalStateException.class,
          () -> {
            throw new IllegalStateException("KeyError");
          });
      assertFalse(t.expired());
    }
  }

  // ---- reschedule ----

  @BackendTest
  void reschedulingEarlierMakesItExpire(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeout(LONG);
      runThrows(
          loop,
          t,
          TimeoutException.class,
          () -> {
            t.reschedule(loop.time());
            return sleepLong(loop);
          });
      assertTrue(t.expired());
    }
  }

  @BackendTest
  void reschedulingLaterOrNeverKeepsItFromExpiring(String backend) {
    for (boolean never : new boolean[] {false, true}) {
      try (EventLoop loop = Backends.open(backend)) {
        zloop.Timeout t = loop.timeout(Duration.ZERO); // would expire at the first wait
        String value =
            inTask(
                loop,
                () ->
                    t.run(
                        () -> {
                          if (never) {
                            t.rescheduleNever();
                          } else {
                            t.reschedule(loop.time() + LONG.toNanos());
                          }
                          return loop.sleep(Duration.ofMillis(1), "slept").join();
                        }));
        assertEquals("slept", value);
        assertFalse(t.expired());
        assertEquals(never, t.when().isEmpty());
      }
    }
  }

  @BackendTest
  void anotherTaskMayRescheduleAndTheCancellationStaysACancellation(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      long deadline1 = loop.time() + LONG.toNanos();
      long deadline2 = deadline1 + Duration.ofSeconds(20).toNanos();
      zloop.Timeout t = loop.timeoutAt(deadline1);
      Future<Void> entered = loop.createFuture();
      Task<Object> task =
          loop.createTask(
              () ->
                  t.run(
                      () -> {
                        entered.setResult(null);
                        return sleepLong(loop);
                      }));
      inTask(
          loop,
          () -> {
            entered.join();
            assertEquals(OptionalLong.of(deadline1), t.when());
            t.reschedule(deadline2);
            assertEquals(OptionalLong.of(deadline2), t.when());
            t.rescheduleNever();
            assertTrue(t.when().isEmpty());
            task.cancel();
            assertThrows(CancellationException.class, task::join);
            return null;
          });
      assertFalse(t.expired());
    }
  }

  @BackendTest
  void anExpiringTimeoutCannotBeRescheduled(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeout(Duration.ZERO);
      IllegalStateException e =
          inTask(
              loop,
              () -> {
                IllegalStateException[] refused = new IllegalStateException[1];
                assertThrows(
                    TimeoutException.class,
                    () ->
                        t.run(
                            () -> {
                              try {
                                return sleepLong(loop);
                              } catch (CancellationException c) {
                                refused[0] =
                                    assertThrows(
                                        IllegalStateException.class, () -> t.reschedule(0));
                                throw c;
                              }
                            }));
                return refused[0];
              });
      assertTrue(e.getMessage().contains("expiring"), e.getMessage());
    }
  }

  // ---- states ----

  @BackendTest
  void aTimeoutRunsOnce(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeout(LONG);
      String[] messages =
          inTask(
              loop,
              () -> {
                String nested =
                    t.run(
                        () ->
                            assertThrows(IllegalStateException.class, () -> t.run(() -> null))
                                .getMessage());
                String again =
                    assertThrows(IllegalStateException.class, () -> t.run(() -> null)).getMessage();
                String finished =
                    assertThrows(IllegalStateException.class, () -> t.reschedule(0)).getMessage();
                return new String[] {nested, again, finished};
              });
      assertTrue(messages[0].contains("has already been entered"), messages[0]);
      assertTrue(messages[1].contains("has already been entered"), messages[1]);
      assertTrue(messages[2].contains("finished"), messages[2]);
    }
  }

  @BackendTest
  void aTimeoutNotEnteredCannotBeRescheduledAndNeedsATask(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeout(SHORT);
      IllegalStateException notEntered =
          assertThrows(IllegalStateException.class, () -> t.reschedule(0));
      assertTrue(notEntered.getMessage().contains("has not been entered"));
      IllegalStateException noTask =
          assertThrows(IllegalStateException.class, () -> t.run(() -> null));
      assertTrue(noTask.getMessage().contains("task"), noTask.getMessage());
      assertThrows(IllegalStateException.class, () -> t.reschedule(0));
    }
  }

  @BackendTest
  void anActiveTimeoutShowsItsDeadline(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout t = loop.timeout(LONG);
      String shown = inTask(loop, () -> t.run(t::toString));
      assertEquals("Timeout[active when=" + t.when().getAsLong() + "]", shown);
    }
  }

  @BackendTest
  void aTimeoutInsideAFinallyOfAnExpiredOneWorks(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Timeout outer = loop.timeout(SHORT);
      boolean[] innerTimedOut = {false};
      runThrows(
          loop,
          outer,
          TimeoutException.class,
          () -> {
            try {
              return sleepLong(loop);
            } finally {
              innerTimedOut[0] =
                  assertThrows(
                          TimeoutException.class,
                          () -> loop.timeout(SHORT).run(() -> sleepLong(loop)))
                      != null;
            }
          });
      assertTrue(innerTimedOut[0]);
    }
  }
}
