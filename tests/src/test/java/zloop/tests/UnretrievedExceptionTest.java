package zloop.tests;

import java.util.concurrent.CompletionException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.Task;

/**
 * "exception was never retrieved": a future or task that failed and was dropped before anyone
 * read its exception is reported to the loop's exception handler once it becomes unreachable
 * (asyncio's {@code __del__}; here a Cleaner). Reading the exception in any way, or cancelling the
 * done future, silences it. The tests observe collection through weak references and GC, never
 * through timing.
 */
@Timeout(60)
class UnretrievedExceptionTest {

  /** A failure nobody will read: the sentinel every test waits for. */
  private static final class Sentinel extends RuntimeException {
    Sentinel() {
      super("sentinel", null, false, false);
    }
  }

  private static WeakReference<Future<?>> failedAndDropped(EventLoop loop, RuntimeException e) {
    Future<String> f = loop.createFuture();
    f.setException(e);
    return new WeakReference<>(f);
  }

  /**
   * Collects garbage and runs loop turns until the sentinel's report arrived and every weakly
   * referenced future is gone; then a few more rounds, so a report that should not exist has had
   * every chance to show up.
   */
  private static void collectUntilReported(
      EventLoop loop, List<ExceptionContext> reported, List<WeakReference<Future<?>>> watched) {
    for (int round = 0; round < 200; round++) {
      boolean sentinelSeen = reported.stream().anyMatch(c -> c.exception() instanceof Sentinel);
      boolean allGone = watched.stream().allMatch(r -> r.get() == null);
      if (sentinelSeen && allGone) {
        for (int extra = 0; extra < 3; extra++) {
          System.gc();
          loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
        }
        return;
      }
      System.gc();
      loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
    }
    throw new AssertionError("no 'never retrieved' report arrived; reported: " + reported);
  }

  private static List<ExceptionContext> recordReports(EventLoop loop) {
    List<ExceptionContext> reported = new ArrayList<>();
    loop.setExceptionHandler((l, context) -> reported.add(context));
    return reported;
  }

  @BackendTest
  void aFailedFutureNobodyReadIsReportedWhenCollected(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = recordReports(loop);
      IllegalStateException boom = new IllegalStateException("boom");
      List<WeakReference<Future<?>>> watched = new ArrayList<>();
      watched.add(failedAndDropped(loop, boom));
      watched.add(failedAndDropped(loop, new Sentinel()));
      collectUntilReported(loop, reported, watched);
      List<ExceptionContext> aboutBoom =
          reported.stream().filter(c -> c.exception() == boom).toList();
      assertEquals(1, aboutBoom.size(), () -> "reports: " + reported);
      assertEquals("Future exception was never retrieved", aboutBoom.get(0).message());
    }
  }

  /** Every way of reading the exception, and cancel() on the failed future, silences it. */
  @BackendTest
  void aReadOrCancelledFailureIsNeverReported(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = recordReports(loop);
      List<WeakReference<Future<?>>> watched = new ArrayList<>();
      watched.add(readAndDropped(loop, f -> assertTrue(f.exception() instanceof IllegalStateException)));
      watched.add(readAndDropped(loop, f -> assertThrows(CompletionException.class, f::result)));
      watched.add(readAndDropped(loop, f -> assertThrows(CompletionException.class, f::join)));
      watched.add(
          readAndDropped(
              loop, f -> assertThrows(java.util.concurrent.ExecutionException.class, f::get)));
      watched.add(readAndDropped(loop, f -> assertTrue(f.exceptionNow() instanceof IllegalStateException)));
      watched.add(readAndDropped(loop, f -> assertEquals(false, f.cancel())));
      watched.add(readAndDropped(loop, f -> f.toCompletableFuture()));
      watched.add(succeededAndDropped(loop));
      watched.add(cancelledAndDropped(loop));
      watched.add(failedAndDropped(loop, new Sentinel()));
      collectUntilReported(loop, reported, watched);
      assertEquals(1, reported.size(), () -> "reports: " + reported);
      assertTrue(reported.get(0).exception() instanceof Sentinel);
    }
  }

  private static WeakReference<Future<?>> readAndDropped(EventLoop loop, Consumer<Future<String>> read) {
    Future<String> f = loop.createFuture();
    f.setException(new IllegalStateException("read"));
    read.accept(f);
    loop.runUntilComplete(loop.sleep(Duration.ZERO)); // done callbacks (toCompletableFuture) run
    return new WeakReference<>(f);
  }

  private static WeakReference<Future<?>> succeededAndDropped(EventLoop loop) {
    Future<String> f = loop.createFuture();
    f.setResult("fine");
    return new WeakReference<>(f);
  }

  private static WeakReference<Future<?>> cancelledAndDropped(EventLoop loop) {
    Future<String> f = loop.createFuture();
    f.cancel("no");
    return new WeakReference<>(f);
  }

  @BackendTest
  void aFailedTaskNobodyJoinedIsReportedAsATask(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = recordReports(loop);
      IllegalArgumentException failure = new IllegalArgumentException("task failed");
      List<WeakReference<Future<?>>> watched = new ArrayList<>();
      watched.add(failedTaskDropped(loop, failure));
      watched.add(failedAndDropped(loop, new Sentinel()));
      collectUntilReported(loop, reported, watched);
      List<ExceptionContext> aboutTask =
          reported.stream().filter(c -> c.exception() == failure).toList();
      assertEquals(1, aboutTask.size(), () -> "reports: " + reported);
      assertEquals("Task exception was never retrieved", aboutTask.get(0).message());
      assertNull(aboutTask.get(0).future(), "the task is gone: the context cannot name it");
    }
  }

  private static WeakReference<Future<?>> failedTaskDropped(EventLoop loop, RuntimeException failure) {
    Task<String> task = loop.createTask(() -> {
      throw failure;
    });
    Future<Void> settled = loop.createFuture();
    task.addDoneCallback(t -> settled.setResult(null)); // waits without reading the exception
    loop.runUntilComplete(settled);
    return new WeakReference<>(task);
  }

  /** A task that joins a failed task retrieves its exception: no report for the inner task. */
  @BackendTest
  void joiningAFailedTaskRetrievesItsException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = recordReports(loop);
      List<WeakReference<Future<?>>> watched = new ArrayList<>();
      watched.add(joinedFailedTask(loop));
      watched.add(failedAndDropped(loop, new Sentinel()));
      collectUntilReported(loop, reported, watched);
      assertEquals(1, reported.size(), () -> "reports: " + reported);
      assertTrue(reported.get(0).exception() instanceof Sentinel);
    }
  }

  private static WeakReference<Future<?>> joinedFailedTask(EventLoop loop) {
    Task<String> inner = loop.createTask(() -> {
      throw new IllegalStateException("inner failed");
    });
    Task<String> outer =
        loop.createTask(
            () -> {
              try {
                return inner.join();
              } catch (CompletionException e) {
                return "handled " + e.getCause().getMessage();
              }
            });
    assertEquals("handled inner failed", loop.runUntilComplete(outer));
    return new WeakReference<>(inner);
  }
}
