package zloop.tests;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;

/**
 * Run in a forked JVM by the signal tests, for what the shared test JVM must not live through:
 * a signal whose handler zloop gave back. Arguments: the backend, then the scenario.
 *
 * <ul>
 *   <li>{@code removed}: handles SIGUSR1 once, removes the handler, sends SIGUSR1 again: the
 *       process dies of it (the default action is back);
 *   <li>{@code closed}: as {@code removed}, but the loop's close gives the signal back;
 *   <li>{@code jvm-handler}: handles SIGHUP once, removes the handler, sends SIGHUP again: the
 *       JVM's own handler runs the shutdown hooks and exits with 129;
 *   <li>{@code refused}: prints the message of adding a SIGINT handler (run under {@code -Xrs}).
 * </ul>
 */
public final class SignalProbe {
  private SignalProbe() {}

  public static void main(String[] args) throws Exception {
    String backend = args[0];
    String scenario = args[1];
    EventLoop loop = EventLoops.newEventLoop(backend);
    switch (scenario) {
      case "removed" -> {
        handleOnce(loop, "USR1");
        System.out.println("removed: " + loop.removeSignalHandler("USR1"));
        loop.close();
        raiseAndWait("USR1");
      }
      case "closed" -> {
        handleOnce(loop, "USR1");
        loop.close();
        System.out.println("closed");
        raiseAndWait("USR1");
      }
      case "jvm-handler" -> {
        handleOnce(loop, "HUP");
        System.out.println("removed: " + loop.removeSignalHandler("HUP"));
        loop.close();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
        raiseAndWait("HUP");
      }
      case "refused" -> {
        try {
          loop.addSignalHandler("INT", () -> {});
          System.out.println("not refused");
        } catch (IllegalArgumentException e) {
          System.out.println("refused: " + e.getMessage());
        } finally {
          loop.close();
        }
      }
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  /** Adds a handler, sends the signal to this process and runs the loop until the handler ran. */
  private static void handleOnce(EventLoop loop, String signal) throws Exception {
    Future<String> handled = loop.createFuture();
    Thread loopThread = Thread.currentThread();
    loop.addSignalHandler(
        signal, () -> handled.setResult(Thread.currentThread() == loopThread ? "loop thread" : "elsewhere"));
    loop.callSoon(() -> Thread.ofPlatform().start(() -> kill(signal)));
    System.out.println("handled " + signal + " on the " + loop.runUntilComplete(handled));
  }

  private static void raiseAndWait(String signal) throws InterruptedException {
    System.out.flush();
    kill(signal);
    Thread.sleep(TimeUnit.SECONDS.toMillis(20)); // the signal ends the process well before
    System.out.println("still alive after SIG" + signal);
  }

  static void kill(String signal) {
    kill(ProcessHandle.current().pid(), signal);
  }

  /** Linux's numbers for the signals the tests send. */
  private static final java.util.Map<String, Integer> SIGNALS =
      java.util.Map.of("HUP", 1, "INT", 2, "USR1", 10, "USR2", 12, "TERM", 15);

  private static final java.lang.invoke.MethodHandle KILL =
      java.lang.foreign.Linker.nativeLinker()
          .downcallHandle(
              java.lang.foreign.Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
              java.lang.foreign.FunctionDescriptor.of(
                  java.lang.foreign.ValueLayout.JAVA_INT,
                  java.lang.foreign.ValueLayout.JAVA_INT,
                  java.lang.foreign.ValueLayout.JAVA_INT));

  /**
   * Sends a signal through libc's {@code kill(2)}: no {@code kill} program needed (the container
   * image has none).
   */
  public static void kill(long pid, String signal) {
    Integer number = SIGNALS.get(signal);
    if (number == null) {
      throw new IllegalArgumentException("no number known for SIG" + signal);
    }
    int result;
    try {
      result = (int) KILL.invokeExact((int) pid, (int) number);
    } catch (Throwable t) {
      throw new IllegalStateException("kill(" + pid + ", SIG" + signal + ") failed", t);
    }
    if (result != 0) {
      throw new IllegalStateException("kill(" + pid + ", SIG" + signal + ") returned " + result);
    }
  }
}
