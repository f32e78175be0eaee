package zloop.tests;

import zloop.EventLoop;
import zloop.EventLoops;

/**
 * Run in a forked JVM by the tests: creates a task and prints "task created", or the message of
 * the failure (the JVM may lack the flags tasks need).
 */
public final class TaskProbe {
  private TaskProbe() {}

  public static void main(String[] args) {
    try (EventLoop loop = EventLoops.newEventLoop("nio")) {
      Object result = loop.runUntilComplete(loop.createTask(() -> "task created"));
      System.out.println(result);
    } catch (UnsupportedOperationException e) {
      System.out.println(e.getMessage());
    }
  }
}
