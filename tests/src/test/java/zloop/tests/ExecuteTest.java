package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoopClosedException;

/** {@link EventLoop#execute}: {@code callSoon} without a handle, and thread-safe. */
@Timeout(60)
class ExecuteTest {

  @BackendTest
  void executeRunsOnALaterTurnFifoWithCallSoon(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> trace = new ArrayList<>();
      loop.callSoon(
          () -> {
            loop.execute(() -> trace.add("execute 1"));
            loop.callSoon(() -> trace.add("callSoon 2"));
            loop.execute(() -> trace.add("execute 3"));
            trace.add("scheduler");
          });
      loop.callSoon(() -> loop.callSoon(loop::stop));
      loop.runForever();
      assertEquals(List.of("scheduler", "execute 1", "callSoon 2", "execute 3"), trace);
    }
  }

  @BackendTest
  void executeFromAnotherThreadWakesAWaitingLoop(String backend) throws Exception {
    EventLoop loop = Backends.open(backend);
    CountDownLatch ran = new CountDownLatch(1);
    Thread runner =
        Thread.ofPlatform()
            .start(
                () -> {
                  loop.runForever(); // nothing scheduled: it waits in the backend
                  loop.close();
                });
    while (!loop.isRunning()) {
      Thread.onSpinWait();
    }
    loop.execute(
        () -> {
          ran.countDown();
          loop.stop();
        });
    assertTrue(ran.await(30, TimeUnit.SECONDS), "the loop never ran the callback");
    runner.join();
  }

  @BackendTest
  void aFailingExecuteCallbackIsReportedAndTheLoopGoesOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<zloop.ExceptionContext> seen = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> seen.add(ctx));
      int[] after = {0};
      loop.execute(
          () -> {
            throw new IllegalStateException("execute broke");
          });
      loop.execute(() -> after[0]++);
      loop.execute(loop::stop);
      loop.runForever();
      assertEquals(1, after[0]);
      assertEquals(1, seen.size(), seen.toString());
      assertEquals("execute broke", seen.get(0).exception().getMessage());
      assertTrue(seen.get(0).message().startsWith("Exception in callback"), seen.get(0).message());
    }
  }

  @BackendTest
  void executeOnAClosedLoopFails(String backend) {
    EventLoop loop = Backends.open(backend);
    loop.close();
    assertThrows(EventLoopClosedException.class, () -> loop.execute(() -> {}));
    try (EventLoop open = Backends.open(backend)) {
      assertThrows(NullPointerException.class, () -> open.execute(null));
    }
  }
}
