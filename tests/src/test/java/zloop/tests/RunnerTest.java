package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.Runner;
import zloop.Task;

/**
 * {@link Runner}: one loop across several runs, asyncio's {@code Runner}; the facts of CPython's
 * test_runners. SIGINT is sent in a forked JVM ({@link RunnerInterruptProbe}).
 */
@Timeout(120)
class RunnerTest {

  private static Runner runnerOn(String backend) {
    Backends.open(backend).close(); // skips where the backend cannot run
    return EventLoops.runner(() -> EventLoops.newEventLoop(backend));
  }

  @BackendTest
  void runReturnsTheResultAndRaisesTheFailure(String backend) {
    try (Runner runner = runnerOn(backend)) {
      assertEquals(
          "done", runner.run(() -> EventLoops.runningLoop().sleep(Duration.ZERO, "done").join()));
      // One exception model: a failure arrives as join() gives it, wrapped in a
      // CompletionException whose cause is what the main task threw.
      CompletionException e =
          assertThrows(
              CompletionException.class,
              () -> runner.run(() -> { throw new IllegalStateException("spam"); }));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("spam", e.getCause().getMessage());
    }
  }

  @BackendTest
  void severalRunsShareOneLoopAndItsLeftoverTasks(String backend) {
    try (Runner runner = runnerOn(backend)) {
      EventLoop loop = runner.loop();
      Future<String> handOver = loop.createFuture();
      Task<String> leftover =
          runner.run(
              () -> {
                assertSame(loop, EventLoops.runningLoop());
                return EventLoops.runningLoop().createTask(handOver::join);
              });
      assertFalse(leftover.isDone());
      String second =
          runner.run(
              () -> {
                assertSame(loop, EventLoops.runningLoop());
                handOver.setResult("from the second run");
                return leftover.join();
              });
      assertEquals("from the second run", second);
    }
  }

  @BackendTest
  void closeCancelsLeftoverTasksReportsTheirFailuresAndClosesTheLoop(String backend) {
    Runner runner = runnerOn(backend);
    EventLoop loop = runner.loop();
    List<ExceptionContext> reports = new ArrayList<>();
    loop.setExceptionHandler((l, context) -> reports.add(context));
    Task<?>[] tasks = new Task<?>[2];
    assertEquals(
        123,
        runner.run(
            () -> {
              EventLoop l = EventLoops.runningLoop();
              tasks[0] = l.createTask(() -> l.sleep(Duration.ofSeconds(30)).join());
              tasks[1] =
                  l.createTask(
                      () -> {
                        try {
                          return l.sleep(Duration.ofSeconds(30)).join();
                        } catch (java.util.concurrent.CancellationException e) {
                          throw new ArithmeticException("failed while cancelled");
                        }
                      });
              return 123;
            }));
    runner.close();
    assertTrue(tasks[0].isCancelled());
    assertTrue(tasks[1].isDone());
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).message().contains("Runner.close()"), reports.get(0).message());
    assertSame(tasks[1], reports.get(0).future());
    assertTrue(reports.get(0).exception() instanceof ArithmeticException);
    assertTrue(loop.isClosed());
  }

  @BackendTest
  void closeWaitsForTheDefaultExecutorsWork(String backend) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    boolean[] finished = {false};
    Runner runner = runnerOn(backend);
    runner.run(
        () -> {
          EventLoops.runningLoop()
              .runInExecutor(
                  null,
                  () -> {
                    release.await();
                    finished[0] = true;
                    return null;
                  });
          return null;
        });
    // The work is released only once this thread is inside close(): if close() did not wait
    // for it, close() would return before it finished.
    Thread closing = Thread.currentThread();
    Thread releaser =
        Thread.ofPlatform()
            .start(
                () -> {
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                  while (!insideRunnerClose(closing) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                  }
                  release.countDown();
                });
    runner.close();
    assertTrue(finished[0], "close() returned before the executor's work finished");
    releaser.join();
  }

  private static boolean insideRunnerClose(Thread thread) {
    for (StackTraceElement f : thread.getStackTrace()) {
      if (f.getClassName().equals(Runner.class.getName()) && f.getMethodName().equals("close")) {
        return true;
      }
    }
    return false;
  }

  @BackendTest
  void aClosedRunnerRefusesToRunAndCloseTwiceIsANoOp(String backend) {
    Runner runner = runnerOn(backend);
    List<Integer> ran = new ArrayList<>();
    try (runner) {
      runner.run(() -> ran.add(1));
    }
    runner.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.run(() -> ran.add(2)));
    assertEquals("Runner is closed", e.getMessage());
    assertThrows(IllegalStateException.class, runner::loop);
    assertEquals(List.of(1), ran);
  }

  @BackendTest
  void anExplicitCloseClosesTheLoop(String backend) {
    Runner runner = runnerOn(backend);
    EventLoop loop = runner.loop();
    runner.close();
    assertTrue(loop.isClosed());
    assertEquals("Runner is closed", assertThrows(IllegalStateException.class, runner::loop).getMessage());
  }

  @BackendTest
  void runInsideARunningLoopIsRefused(String backend) {
    try (Runner runner = runnerOn(backend)) {
      String message = runner.run(() -> refusal(() -> runner.run(() -> "nested")));
      assertEquals("Runner.run() cannot be called from a running event loop", message);
      String viaRun = runner.run(() -> refusal(() -> EventLoops.run(() -> "nested")));
      assertTrue(viaRun.contains("cannot be called from a running event loop"), viaRun);
    }
  }

  /** The message of the IllegalStateException the action throws, or "not refused". */
  private static String refusal(Runnable action) {
    try {
      action.run();
      return "not refused";
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  @BackendTest
  void debugIsSetOnTheRunnersLoop(String backend) {
    try (Runner runner = runnerOn(backend)) {
      runner.loop().setDebug(true);
      assertTrue(runner.run(() -> EventLoops.runningLoop().getDebug()));
    }
    assertEquals(Boolean.FALSE, EventLoops.run(() -> EventLoops.runningLoop().getDebug()));
  }

  @BackendTest
  void aCustomLoopFactoryIsUsedOnce(String backend) {
    Backends.open(backend).close();
    int[] made = {0};
    try (Runner runner =
        EventLoops.runner(
            () -> {
              made[0]++;
              return EventLoops.newEventLoop(backend);
            })) {
      runner.run(() -> null);
      runner.run(() -> null);
      assertEquals(backend, runner.loop().backendName());
    }
    assertEquals(1, made[0]);
  }

  /** SIGINT while a runner runs, in a forked JVM: the cases of CPython's test_runners. */
  @BackendTest
  void sigintCancelsTheMainTaskAsAsyncioRunnerDoes(String backend) throws Exception {
    Backends.open(backend).close();
    ForkedJvm.Result r = LoopJvm.run("zloop.tests.RunnerInterruptProbe", backend);
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    assertTrue(
        out.contains(
            "wait: KeyboardInterrupt cause=CancellationException future cancelled=true finally ran=yes"),
        out);
    assertTrue(out.contains("busy: KeyboardInterrupt\n"), out);
    assertTrue(
        out.contains("swallow: KeyboardInterrupt after: first SIGINT cancelled the wait, cause=none"), out);
    assertTrue(out.contains("cancelled: CancellationException\n"), out);
    assertTrue(out.contains("own handler: the loop's own handler\n"), out);
  }
}
