package zloop.tests;

import zloop.EventLoop;
import zloop.Future;

/** Runs a loop for a few turns: asyncio's {@code test_utils.run_briefly}, without timers. */
final class Turns {
  private Turns() {}

  /** Runs the loop for the given number of turns (one callback chained per turn), then returns. */
  static void run(EventLoop loop, int turns) {
    Future<Void> done = loop.createFuture();
    int[] left = {turns};
    Runnable[] tick = new Runnable[1];
    tick[0] =
        () -> {
          if (--left[0] <= 0) {
            done.setResult(null);
          } else {
            loop.callSoon(tick[0]);
          }
        };
    loop.callSoon(tick[0]);
    loop.runUntilComplete(done);
  }

  /** Enough turns for done callbacks scheduled now, and the callbacks those schedule, to run. */
  static void runBriefly(EventLoop loop) {
    run(loop, 4);
  }
}
