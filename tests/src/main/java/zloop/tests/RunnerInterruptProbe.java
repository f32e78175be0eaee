package zloop.tests;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;
import zloop.KeyboardInterruptException;
import zloop.Runner;

/**
 * Run in a forked JVM by the runner tests: sends SIGINT to its own process while a {@link Runner}
 * runs, in the cases of CPython's test_runners, and prints one line per case with what {@code
 * run} threw. Arguments: the backend. SIGINT in the shared test JVM would end it if anything went
 * wrong, hence the fork.
 */
public final class RunnerInterruptProbe {
  private RunnerInterruptProbe() {}

  public static void main(String[] args) {
    String backend = args[0];
    report("wait", () -> interruptWhileWaiting(backend));
    report("busy", () -> interruptWhileYielding(backend));
    report("swallow", () -> interruptTwiceWhenSwallowed(backend));
    report("cancelled", () -> interruptAnAlreadyCancelledTask(backend));
    report("own handler", () -> aLoopsOwnSigintHandlerWins(backend));
  }

  /** The main task waits on a future: SIGINT cancels both, and run throws KeyboardInterrupt. */
  private static String interruptWhileWaiting(String backend) {
    try (Runner runner = EventLoops.runner(() -> EventLoops.newEventLoop(backend))) {
      Future<Object> waited = runner.loop().createFuture();
      String[] unwound = {"no"};
      try {
        runner.run(
            () -> {
              interruptSoon();
              try {
                return waited.join();
              } finally {
                unwound[0] = "yes";
              }
            });
        return "returned";
      } catch (KeyboardInterruptException e) {
        return "KeyboardInterrupt cause="
            + simpleName(e.getCause())
            + " future cancelled="
            + waited.isCancelled()
            + " finally ran="
            + unwound[0];
      }
    }
  }

  /** The main task never waits on a future, it only yields: SIGINT still reaches it. */
  private static String interruptWhileYielding(String backend) {
    try (Runner runner = EventLoops.runner(() -> EventLoops.newEventLoop(backend))) {
      runner.run(
          () -> {
            EventLoop loop = EventLoops.runningLoop();
            interruptSoon();
            while (true) {
              loop.sleep(Duration.ZERO).join();
            }
          });
      return "returned";
    } catch (KeyboardInterruptException e) {
      return "KeyboardInterrupt";
    }
  }

  /** The main task suppresses the cancellation and waits again: a second SIGINT ends the run. */
  private static String interruptTwiceWhenSwallowed(String backend) {
    Runner runner = EventLoops.runner(() -> EventLoops.newEventLoop(backend));
    String[] seen = {"none"};
    try {
      runner.run(
          () -> {
            EventLoop loop = EventLoops.runningLoop();
            Future<Object> first = loop.createFuture();
            interruptSoon();
            try {
              first.join();
            } catch (CancellationException swallowed) {
              seen[0] = "first SIGINT cancelled the wait";
            }
            interruptSoon();
            return loop.createFuture().join();
          });
      return "returned";
    } catch (KeyboardInterruptException e) {
      return "KeyboardInterrupt after: " + seen[0] + ", cause=" + simpleName(e.getCause());
    } finally {
      runner.close(); // cancels the main task a second time: it ends now
    }
  }

  /**
   * The main task was cancelled by another task before SIGINT: run throws the task's own
   * CancellationException, not KeyboardInterrupt (CPython's test_interrupt_cancelled_task).
   */
  private static String interruptAnAlreadyCancelledTask(String backend) {
    try (Runner runner = EventLoops.runner(() -> EventLoops.newEventLoop(backend))) {
      runner.run(
          () -> {
            EventLoop loop = EventLoops.runningLoop();
            zloop.Task<?> main = EventLoops.currentTask().orElseThrow();
            loop.createTask(
                () -> {
                  loop.sleep(Duration.ZERO).join();
                  main.cancel();
                  interruptSoon();
                  return null;
                });
            try {
              return loop.sleep(Duration.ofSeconds(30)).join();
            } catch (CancellationException cancelledBySubtask) {
              awaitSecondCancelRequest(loop, main); // the runner's, from SIGINT
              throw cancelledBySubtask;
            }
          });
      return "returned";
    } catch (KeyboardInterruptException e) {
      return "KeyboardInterrupt";
    } catch (CancellationException e) {
      return "CancellationException";
    }
  }

  /**
   * Waits until SIGINT made the runner cancel the task too (its second cancel request), so the
   * signal is consumed before run returns and gives SIGINT back to the JVM. Bounded: 30 s.
   */
  private static void awaitSecondCancelRequest(EventLoop loop, zloop.Task<?> self) {
    for (int i = 0; i < 3000 && self.cancelling() < 2; i++) {
      try {
        loop.sleep(Duration.ofMillis(10)).join();
      } catch (CancellationException runnersCancel) {
        // the runner's cancel request cancelled this wait: cancelling() is 2 now
      }
    }
  }

  /** A SIGINT handler the loop already has wins: the runner leaves SIGINT to it. */
  private static String aLoopsOwnSigintHandlerWins(String backend) {
    try (Runner runner = EventLoops.runner(() -> EventLoops.newEventLoop(backend))) {
      runner.run(() -> "first run");
      EventLoop loop = runner.loop();
      Future<String> handled = loop.createFuture();
      loop.addSignalHandler("INT", () -> handled.setResult("the loop's own handler"));
      try {
        return runner.run(
            () -> {
              interruptSoon();
              return handled.join();
            });
      } finally {
        loop.removeSignalHandler("INT");
      }
    }
  }

  /** SIGINT to this process from another thread, once the caller has parked. */
  private static void interruptSoon() {
    Thread.ofPlatform().start(() -> SignalProbe.kill("INT"));
  }

  private static String simpleName(Throwable t) {
    return t == null ? "none" : t.getClass().getSimpleName();
  }

  private static void report(String name, java.util.function.Supplier<String> scenario) {
    String outcome;
    try {
      outcome = scenario.get();
    } catch (RuntimeException e) {
      outcome = "failed: " + e;
    }
    System.out.println(name + ": " + outcome);
    System.out.flush();
  }
}
