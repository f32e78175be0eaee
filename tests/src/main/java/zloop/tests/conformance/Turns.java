package zloop.tests.conformance;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import zloop.EventLoop;
import zloop.Future;

/**
 * Running a loop for a bounded while, the way CPython's {@code test_utils.run_briefly} and {@code
 * run_until_complete} do in the ported tests. Every wait is bounded so a lost event fails the test
 * with a message instead of hanging the build; the bound is never an assertion about speed.
 *
 * <p>It lives in the main source set so that the package exists when the module descriptor opens
 * it to JUnit; the ported tests themselves are patched into the module.
 */
public final class Turns {
  private Turns() {}

  /** How long any single awaited event may take before the test gives up on it. */
  public static final Duration DEADLINE = Duration.ofSeconds(30);

  /** Runs exactly the callbacks that are ready now (one turn), then returns. */
  public static void oneTurn(EventLoop loop) {
    loop.callSoon(loop::stop);
    loop.runForever();
  }

  /** A few turns: enough for callbacks scheduled by callbacks to run (run_briefly). */
  public static void briefly(EventLoop loop) {
    for (int i = 0; i < 3; i++) {
      oneTurn(loop);
    }
  }

  /** Runs the loop until the future is done (bounded) and returns its result. */
  public static <T> T await(EventLoop loop, Future<T> future, String what) {
    return await(loop, future, what, DEADLINE);
  }

  /** {@link #await(EventLoop, Future, String)} with a shorter bound, for an event known to get lost. */
  public static <T> T await(EventLoop loop, Future<T> future, String what, Duration deadline) {
    try {
      return loop.runUntilComplete(loop.waitFor(future, deadline));
    } catch (CompletionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw new AssertionError("never happened (waited " + deadline.toSeconds() + " s): " + what, e);
      }
      throw e;
    }
  }

  /** Runs the loop until the future is done and returns what it failed with (unwrapped). */
  public static Throwable awaitFailure(EventLoop loop, Future<?> future, String what) {
    return awaitFailure(loop, future, what, DEADLINE);
  }

  /** {@link #awaitFailure(EventLoop, Future, String)} with a shorter bound. */
  public static Throwable awaitFailure(EventLoop loop, Future<?> future, String what, Duration deadline) {
    Object result;
    try {
      result = await(loop, future, what, deadline);
    } catch (AssertionError e) {
      throw e;
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError(what + ": expected a failure, got " + result);
  }
}
