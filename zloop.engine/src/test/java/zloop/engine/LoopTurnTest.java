package zloop.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The turn's phases, seen through a fake backend and a manual clock. */
class LoopTurnTest {
  private final ManualClock clock = new ManualClock();
  private final FakeBackend backend = new FakeBackend(clock);

  private Loop newLoop() throws Exception {
    return new Loop("fake", ctx -> backend, clock);
  }

  @Test
  void readyCallbacksMeanAZeroTimeoutPoll() throws Exception {
    try (Loop loop = newLoop()) {
      loop.callSoon(() -> {});
      loop.runOnce();
      assertEquals(List.of(0L), backend.pollTimeouts);
    }
  }

  @Test
  void theWaitIsBoundedByTheEarliestTimer() throws Exception {
    try (Loop loop = newLoop()) {
      List<String> fired = new ArrayList<>();
      loop.callLater(Duration.ofMillis(30), () -> fired.add("30"));
      loop.callLater(Duration.ofMillis(10), () -> fired.add("10"));
      loop.runOnce();
      assertEquals(List.of(Duration.ofMillis(10).toNanos()), backend.pollTimeouts);
      assertEquals(List.of("10"), fired);
      loop.runOnce();
      assertEquals(Duration.ofMillis(20).toNanos(), backend.pollTimeouts.get(1));
      assertEquals(List.of("10", "30"), fired);
    }
  }

  @Test
  void aCallbackScheduledDuringATurnRunsOnTheNext() throws Exception {
    try (Loop loop = newLoop()) {
      List<String> trace = new ArrayList<>();
      loop.callSoon(() -> {
        trace.add("a");
        loop.callSoon(() -> trace.add("b"));
      });
      loop.runOnce();
      assertEquals(List.of("a"), trace);
      loop.runOnce();
      assertEquals(List.of("a", "b"), trace);
    }
  }

  @Test
  void aCancelledEarliestTimerDoesNotBoundTheWait() throws Exception {
    try (Loop loop = newLoop()) {
      loop.callLater(Duration.ofMillis(1), () -> {}).cancel();
      loop.callLater(Duration.ofMillis(50), () -> {});
      loop.runOnce();
      assertEquals(List.of(Duration.ofMillis(50).toNanos()), backend.pollTimeouts);
    }
  }

  @Test
  void threadsafeCallsOnAnAwakeLoopDoNotPokeTheBackend() throws Exception {
    try (Loop loop = newLoop()) {
      for (int i = 0; i < 100; i++) {
        loop.callSoonThreadSafe(() -> {});
      }
      assertEquals(0, backend.wakeups, "the loop is not waiting: nobody needs waking");
      loop.runOnce();
      assertEquals(List.of(0L), backend.pollTimeouts, "queued work means no waiting");
    }
  }

  @Test
  void closeReleasesTheBackend() throws Exception {
    Loop loop = newLoop();
    loop.close();
    assertTrue(backend.closed);
  }
}
