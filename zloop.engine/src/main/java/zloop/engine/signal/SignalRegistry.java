package zloop.engine.signal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;
import zloop.EventLoop;
import zloop.EventLoopClosedException;

/**
 * The JVM-wide table of signal handlers zloop installed: at most one loop handles a signal at a
 * time. The JVM's signal dispatcher calls {@link Installed#handle} on a thread of its own; the
 * callback is forwarded with {@link EventLoop#callSoonThreadSafe}, which wakes a loop blocked in
 * its backend's poll, so the callback runs on the loop thread under the loop's callback guard.
 *
 * <p>Installing takes the JVM's handler for the signal (through {@code sun.misc.Signal}, module
 * {@code jdk.unsupported}: the JDK has no public signal API) and keeps the one it replaced; the
 * last removal, or the owning loop's close, puts that one back. Every method holds the class lock:
 * adding and removing handlers is rare and never on a loop's hot path.
 */
public final class SignalRegistry {
  private SignalRegistry() {}

  private static final Map<String, Installed> INSTALLED = new HashMap<>();

  /**
   * Routes the signal to {@code callback} on {@code loop}, replacing the loop's earlier callback
   * for it.
   *
   * @throws IllegalArgumentException if the name is unknown or the signal cannot have a handler
   *     (with the reason)
   * @throws IllegalStateException if another loop handles the signal
   */
  public static synchronized void add(EventLoop loop, String signal, Runnable callback) {
    String name = SignalNames.canonical(signal);
    Installed current = INSTALLED.get(name);
    if (current != null) {
      if (current.loop != loop) {
        throw new IllegalStateException(
            "SIG"
                + name
                + " already has a handler on another event loop ("
                + current.loop
                + "): one loop handles a signal at a time; remove it there first");
      }
      current.callback = callback;
      return;
    }
    INSTALLED.put(name, install(name, loop, callback));
  }

  /**
   * Removes the loop's handler for the signal and gives the signal back to the handler it
   * replaced.
   *
   * @return whether this loop had a handler for it
   * @throws IllegalArgumentException if the name is unknown
   */
  public static synchronized boolean remove(EventLoop loop, String signal) {
    String name = SignalNames.canonical(signal);
    Installed current = INSTALLED.get(name);
    if (current == null) {
      signalOf(name); // an unknown name is an error, a known one without handler is not
      return false;
    }
    if (current.loop != loop) {
      return false;
    }
    uninstall(name, current);
    return true;
  }

  /** Removes every handler of the loop: its close. */
  public static synchronized void removeAll(EventLoop loop) {
    List<String> mine = new ArrayList<>();
    INSTALLED.forEach(
        (name, installed) -> {
          if (installed.loop == loop) {
            mine.add(name);
          }
        });
    for (String name : mine) {
      uninstall(name, INSTALLED.get(name));
    }
  }

  /**
   * Routes SIGINT to {@code callback} on {@code loop} if nothing in zloop handles it and the JVM
   * lets Java code take it: the runner's Ctrl-C handling.
   *
   * @return the action that gives SIGINT back unless someone replaced the callback meanwhile, or
   *     {@code null} when SIGINT is taken or cannot be handled in this JVM
   */
  public static synchronized Runnable claimInterrupt(EventLoop loop, Runnable callback) {
    if (INSTALLED.containsKey("INT")) {
      return null;
    }
    try {
      INSTALLED.put("INT", install("INT", loop, callback));
    } catch (IllegalArgumentException refused) {
      return null; // -Xrs, or the process ignores SIGINT: the runner runs without, as asyncio's
    }
    return () -> releaseInterrupt(loop, callback);
  }

  private static synchronized void releaseInterrupt(EventLoop loop, Runnable callback) {
    Installed current = INSTALLED.get("INT");
    if (current != null && current.loop == loop && current.callback == callback) {
      uninstall("INT", current);
    }
  }

  private static Installed install(String name, EventLoop loop, Runnable callback) {
    String never = SignalNames.neverHandled(name);
    if (never != null) {
      throw new IllegalArgumentException("cannot handle SIG" + name + ": " + never);
    }
    Signal signal = signalOf(name);
    Installed installed = new Installed(signal, loop, callback);
    SignalHandler previous;
    try {
      previous = Signal.handle(signal, installed);
    } catch (IllegalArgumentException refused) {
      throw new IllegalArgumentException(
          "cannot handle SIG" + name + ": " + jvmRefusal(name, refused), refused);
    }
    if (previous == SignalHandler.SIG_IGN && SignalNames.isShutdownSignal(name)) {
      Signal.handle(signal, previous);
      throw new IllegalArgumentException(
          "cannot handle SIG"
              + name
              + ": this process ignores it (started under nohup, or its parent ignores it), and"
              + " the JVM keeps it ignored, so a handler would never run");
    }
    installed.previous = previous;
    return installed;
  }

  private static String jvmRefusal(String name, IllegalArgumentException refused) {
    if (SignalNames.isShutdownSignal(name)) {
      return "this JVM runs with -Xrs (ReduceSignalUsage), which leaves SIG"
          + name
          + " to the process's default action and lets no Java handler take it";
    }
    return "the JVM refused it (" + refused.getMessage() + ")";
  }

  private static void uninstall(String name, Installed installed) {
    INSTALLED.remove(name);
    installed.loop = null;
    Signal.handle(installed.signal, installed.previous);
  }

  private static Signal signalOf(String name) {
    try {
      return new Signal(name);
    } catch (IllegalArgumentException unknown) {
      throw new IllegalArgumentException(
          "unknown signal '" + name + "' on this OS (use a name of kill -l, such as USR1 or SIGUSR1)",
          unknown);
    }
  }

  /** One installed handler: what the JVM calls, and where it forwards. */
  private static final class Installed implements SignalHandler {
    final Signal signal;
    SignalHandler previous;
    EventLoop loop; // null once uninstalled; guarded by the class lock
    Runnable callback;

    Installed(Signal signal, EventLoop loop, Runnable callback) {
      this.signal = signal;
      this.loop = loop;
      this.callback = callback;
    }

    /** On the JVM's signal thread: hands the callback to the loop. */
    @Override
    public void handle(Signal sig) {
      EventLoop target;
      Runnable run;
      synchronized (SignalRegistry.class) {
        target = loop;
        run = callback;
      }
      if (target == null) {
        return; // removed while this delivery was on its way
      }
      try {
        target.callSoonThreadSafe(run);
      } catch (EventLoopClosedException closing) {
        // the loop closes and removes its handlers: a late signal has nowhere to go
      }
    }
  }
}
