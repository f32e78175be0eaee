package zloop.tests;

import java.time.Duration;
import java.util.concurrent.Callable;
import zloop.EventLoop;

/** Running test bodies as tasks: the helpers the coordination tests share. */
final class InTask {
  private InTask() {}

  /** So long that only a cancellation ends a sleep of it within a test. */
  static final Duration LONG = Duration.ofHours(1);

  /** Runs the body as a task of the loop to its end and returns what it returned. */
  static <T> T inTask(EventLoop loop, Callable<T> body) {
    return loop.runUntilComplete(loop.createTask(body));
  }

  /** Sleeps "forever" in the current task: only a cancellation ends it. */
  static Void sleepLong(EventLoop loop) {
    loop.sleep(LONG).join();
    return null;
  }
}
