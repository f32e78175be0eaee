package zloop.tests;

import zloop.EventLoop;
import zloop.EventLoops;

/**
 * Run in a forked JVM whose module path holds only some backend modules: opens a loop on each
 * backend named in {@code args} ({@code auto} included) and prints "opened NAME" or "failed:
 * MESSAGE" for each.
 */
public final class BackendProbe {
  private BackendProbe() {}

  public static void main(String[] args) {
    for (String name : args) {
      try (EventLoop loop = EventLoops.newEventLoop(name)) {
        System.out.println("opened " + loop.backendName());
      } catch (IllegalArgumentException e) {
        System.out.println("failed: " + e.getMessage());
      }
    }
  }
}
