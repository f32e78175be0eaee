package zloop.examples;

import java.time.Duration;
import java.util.List;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.KeyboardInterruptException;

/**
 * The first thing to run: picks a backend, runs a task that sleeps for zero seconds (a yield to
 * the loop) and returns a greeting, and prints both.
 *
 * <p>With {@code --wait} the task then waits forever, until Ctrl-C: SIGINT cancels the main task,
 * its {@code finally} block runs, {@link EventLoops#run} throws {@link KeyboardInterruptException}
 * and the program exits with status 130, as a shell expects after Ctrl-C.
 */
public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    boolean waitForCtrlC = List.of(args).contains("--wait");
    String greeting;
    try {
      greeting = run(waitForCtrlC);
    } catch (IllegalArgumentException badBackend) {
      System.err.println("zloop: " + badBackend.getMessage());
      System.exit(2);
      return;
    } catch (KeyboardInterruptException interrupted) {
      System.out.println("interrupted: exiting with status " + interrupted.exitStatus());
      System.exit(interrupted.exitStatus());
      return;
    }
    System.out.println(greeting);
  }

  private static String run(boolean waitForCtrlC) {
    return EventLoops.run(
        () -> {
          EventLoop loop = EventLoops.runningLoop();
          System.out.println("zloop backend: " + loop.backendName());
          String greeting = loop.sleep(Duration.ZERO, "hello from a Java loop").join();
          if (!waitForCtrlC) {
            return greeting;
          }
          System.out.println(greeting);
          System.out.println("waiting for Ctrl-C (SIGINT)");
          try {
            return loop.<String>createFuture().join(); // parks the main task until cancelled
          } finally {
            System.out.println("main task cancelled: unwinding");
          }
        });
  }
}
