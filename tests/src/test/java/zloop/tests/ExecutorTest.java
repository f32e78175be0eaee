package zloop.tests;

import java.util.concurrent.CompletionException;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;

/** runInExecutor: work off the loop, results back on it. */
@Timeout(60)
class ExecutorTest {

  @BackendTest
  void executorResultsArriveOnTheLoopThread(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Thread loopThread = Thread.currentThread();
      Thread[] workThread = {null};
      Thread[] callbackThread = {null};
      Future<Integer> f =
          loop.runInExecutor(
              null,
              () -> {
                workThread[0] = Thread.currentThread();
                return 6 * 7;
              });
      f.addDoneCallback(x -> callbackThread[0] = Thread.currentThread());
      assertEquals(42, loop.runUntilComplete(f));
      loop.callSoon(loop::stop);
      loop.runForever();
      assertNotSame(loopThread, workThread[0]);
      assertTrue(workThread[0].isVirtual(), "the default executor runs a virtual thread per call");
      assertSame(loopThread, callbackThread[0]);
    }
  }

  @BackendTest
  void aCustomExecutorAndFailuresAreHonoured(String backend) {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (EventLoop loop = Backends.open(backend)) {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        results.add(loop.runInExecutor(pool, () -> "r" + n));
      }
      List<String> all = loop.runUntilComplete(loop.gather(results));
      assertEquals(50, all.size());
      assertEquals("r49", all.get(49));
      Future<String> bad = loop.runInExecutor(pool, () -> { throw new IllegalStateException("worker failed"); });
      IllegalStateException e =
          assertInstanceOf(
              IllegalStateException.class,
              assertThrows(CompletionException.class, () -> loop.runUntilComplete(bad)).getCause());
      assertEquals("worker failed", e.getMessage());
    } finally {
      pool.shutdownNow();
    }
  }

  @BackendTest
  void shutdownDefaultExecutorWaitsForWorkAndThenRefusesMore(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] finished = {false};
      Future<Void> work =
          loop.runInExecutor(
              null,
              () -> {
                Thread.sleep(20);
                finished[0] = true;
                return null;
              });
      loop.runUntilComplete(loop.shutdownDefaultExecutor());
      assertTrue(finished[0], "shutdown completes only after running work finished");
      loop.runUntilComplete(work);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> loop.runInExecutor(null, () -> 1));
      assertEquals("Executor shutdown has been called", e.getMessage());
    }
  }
}
