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
  void aBusyLoopPollsWithoutBlockingOnceAnIntervalOfCallbacksHasRun() throws Exception {
    try (Loop loop = newLoop()) {
      for (int i = 0; i < Loop.POLL_INTERVAL_CALLBACKS; i++) {
        loop.callSoon(() -> {});
      }
      loop.callSoon(() -> loop.callSoon(() -> {})); // keeps the queue busy into the next turn
      loop.runOnce();
      assertEquals(List.of(), backend.pollTimeouts, "fewer than the interval ran before this turn");
      loop.runOnce();
      assertEquals(List.of(0L), backend.pollTimeouts, "callbacks are ready: the poll must not wait");
    }
  }

  @Test
  void aCallbackChainPollsTheBackendOncePerIntervalNotOncePerHop() throws Exception {
    try (Loop loop = newLoop()) {
      int hops = 1000;
      int[] ran = {0};
      Runnable[] hop = new Runnable[1];
      hop[0] =
          () -> {
            if (++ran[0] < hops) {
              loop.callSoon(hop[0]);
            }
          };
      loop.callSoon(hop[0]);
      int turns = 0;
      while (ran[0] < hops) {
        loop.runOnce();
        turns++;
      }
      assertEquals(hops, turns, "one hop per turn: asyncio's order is kept");
      int polls = backend.pollTimeouts.size();
      // Old rule: a poll every turn (1000). Now one per interval: 15 here.
      assertEquals((hops - 1) / Loop.POLL_INTERVAL_CALLBACKS, polls, backend.pollTimeouts.toString());
      assertTrue(backend.pollTimeouts.stream().allMatch(t -> t == 0), backend.pollTimeouts.toString());
      assertEquals(hops, loop.stats().turns());
      assertEquals(hops, loop.stats().callbacksRun());
    }
  }

  @Test
  void timersFallDueOnTurnsThatSkipThePoll() throws Exception {
    try (Loop loop = newLoop()) {
      List<String> trace = new ArrayList<>();
      loop.callLater(Duration.ofMillis(10), () -> trace.add("timer"));
      int[] hops = {0};
      Runnable[] hop = new Runnable[1];
      hop[0] =
          () -> {
            trace.add("hop" + ++hops[0]);
            clock.now += Duration.ofMillis(1).toNanos(); // each hop takes 1 ms of loop time
            if (hops[0] < 20) {
              loop.callSoon(hop[0]);
            }
          };
      loop.callSoon(hop[0]);
      for (int i = 0; i < 20; i++) {
        loop.runOnce();
      }
      assertEquals(List.of(), backend.pollTimeouts, "20 callbacks: no poll was due");
      // Due after hop 10; moved to the ready queue on the next turn, behind hop 11.
      assertEquals("timer", trace.get(trace.indexOf("hop11") + 1), trace.toString());
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
      assertTrue(backend.pollTimeouts.stream().allMatch(t -> t == 0), "queued work means no waiting");
      assertEquals(100, loop.stats().callbacksRun());
    }
  }

  @Test
  void closeReleasesTheBackend() throws Exception {
    Loop loop = newLoop();
    loop.close();
    assertTrue(backend.closed);
  }
}
