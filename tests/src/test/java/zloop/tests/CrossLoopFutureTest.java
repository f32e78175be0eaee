package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.Task;

/** A task of one loop waiting on a future of another. */
@Timeout(60)
class CrossLoopFutureTest {

  /**
   * The waiting task's loop closes; the future's own loop then completes it. Completing must not
   * throw into the completing code, and every done callback of the future must run.
   */
  @BackendTest
  void completingAFutureWhoseWaitersLoopClosedRunsEveryCallback(String backend) {
    try (EventLoop owner = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      owner.setExceptionHandler((l, context) -> reported.add(context));
      Future<String> shared = owner.createFuture();
      EventLoop waiters = Backends.open(backend);
      Task<String> waiter = waiters.createTask(shared::join);
      waiters.runUntilComplete(waiters.sleep(Duration.ZERO)); // the waiter is parked on `shared`
      waiters.close();

      List<String> callbacks = new ArrayList<>();
      Task<String> completer =
          owner.createTask(
              () -> {
                shared.addDoneCallback(f -> callbacks.add("first: " + f.result()));
                shared.addDoneCallback(f -> callbacks.add("second: " + f.result()));
                shared.setResult("value"); // the waiter's loop is gone: must not throw
                owner.sleep(Duration.ZERO).join();
                return "completed";
              });
      assertEquals("completed", owner.runUntilComplete(completer));
      assertEquals(List.of("first: value", "second: value"), callbacks);
      assertTrue(reported.isEmpty(), () -> "reported: " + reported);
      assertTrue(waiter.isCancelled(), "close() unwinds the waiting task");
    }
  }

  /** Cancelling a task parked on another loop's future wakes it at once; that future stays. */
  @BackendTest
  void cancellingATaskWaitingOnAnotherLoopsFutureNeedsNoOtherLoop(String backend) {
    try (EventLoop idle = Backends.open(backend);
        EventLoop loop = Backends.open(backend)) {
      Future<String> elsewhere = idle.createFuture(); // `idle` never runs in this test
      List<String> trace = new ArrayList<>();
      Task<String> task =
          loop.createTask(
              () -> {
                try {
                  return elsewhere.join();
                } catch (CancellationException e) {
                  trace.add("cancelled: " + e.getMessage());
                  throw e;
                }
              });
      loop.callLater(Duration.ofMillis(1), () -> task.cancel("stop waiting"));
      Future<Void> settled = loop.createFuture();
      task.addDoneCallback(t -> settled.setResult(null));
      loop.runUntilComplete(settled);
      assertTrue(task.isCancelled());
      assertEquals(List.of("cancelled: stop waiting"), trace);
      assertFalse(elsewhere.isDone());
    }
  }

  /** The normal case: another loop completes the future, from its own thread, and the task wakes. */
  @BackendTest
  void aTaskWakesWhenAnotherLoopOnAnotherThreadCompletesTheFuture(String backend) throws Exception {
    try (EventLoop producer = Backends.open(backend);
        EventLoop consumer = Backends.open(backend)) {
      Future<String> result = producer.createFuture();
      Task<String> task = consumer.createTask(() -> "got " + result.join());
      Thread producerThread =
          Thread.ofPlatform()
              .start(
                  () ->
                      producer.runUntilComplete(
                          producer.createTask(
                              () -> {
                                result.setResult("from the producer loop");
                                return null;
                              })));
      assertEquals("got from the producer loop", consumer.runUntilComplete(task));
      producerThread.join();
    }
  }
}
