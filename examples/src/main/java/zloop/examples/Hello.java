package zloop.examples;

import java.time.Duration;
import zloop.EventLoop;
import zloop.EventLoops;

/**
 * The first thing to run: picks a backend, runs a task that sleeps for zero seconds (a yield to
 * the loop) and returns a greeting, and prints both.
 */
public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    String greeting;
    try {
      greeting = run();
    } catch (IllegalArgumentException badBackend) {
      System.err.println("zloop: " + badBackend.getMessage());
      System.exit(2);
      return;
    }
    System.out.println(greeting);
  }

  private static String run() {
    return EventLoops.run(
            () -> {
              EventLoop loop = EventLoops.runningLoop();
              System.out.println("zloop backend: " + loop.backendName());
              return loop.sleep(Duration.ZERO, "hello from a Java loop").join();
            });
  }
}
