package zloop.engine;

import zloop.ExceptionContext;
import zloop.internal.transport.AppProtocolCaller;
import zloop.engine.jfr.SlowCallbackEvent;
import zloop.engine.net.StreamTransport;
import zloop.engine.net.TransportsByFd;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.SocketHandle;

/**
 * The one guard around the code a loop calls: ready-queue callbacks and timers ({@link
 * #run(Object)}), and every I/O event a backend delivers, whichever backend ({@link #dispatch},
 * reached through {@link zloop.engine.spi.LoopContext#dispatch}). Code that calls a protocol
 * method and must react to its failure itself (a transport closing the connection) applies the
 * same rule with {@link #survivable}.
 *
 * <p>The rule, asyncio's {@code Handle._run} in Java terms:
 *
 * <ul>
 *   <li>any {@link Throwable} (an {@link AssertionError}, a {@link LinkageError} included) goes to
 *       the loop's exception handler, and the loop carries on with the next event;
 *   <li>a {@link VirtualMachineError} ({@link OutOfMemoryError}, {@link StackOverflowError},
 *       {@link InternalError}) is not caught: after one the JVM may be unable to run a handler or
 *       to keep the loop's own state consistent, so the loop stops and {@code runForever} or
 *       {@code runUntilComplete} throws it (asyncio likewise lets {@code SystemExit} and {@code
 *       KeyboardInterrupt} through);
 *   <li>in debug mode each callback and each I/O event is timed, and one slower than the
 *       slow-callback duration is logged as "Executing &lt;...&gt; took X seconds";
 *   <li>while a JFR recording enables {@code zloop.SlowCallback}, each is timed too, and one over
 *       the event's threshold is recorded with its description.
 * </ul>
 *
 * <p>Nothing is allocated per call: the clock is read only in debug mode or while the JFR event
 * is enabled, a description is built only for a failure or a slow call. Each I/O event is counted
 * for {@link LoopMeter}. Loop thread only.
 */
public final class CallbackGuard {
  private final ErrorReporter errors;
  private final Clock clock;
  private final TransportsByFd transports;
  private final LoopMeter meter;
  private boolean debug;
  private long slowNanos = 100_000_000L;

  CallbackGuard(ErrorReporter errors, Clock clock, TransportsByFd transports, LoopMeter meter) {
    this.errors = errors;
    this.clock = clock;
    this.transports = transports;
    this.meter = meter;
  }

  /**
   * Returns {@code failure}, or rethrows it if the loop must not survive it: the rule the TLS layer
   * applies too, written once in {@link AppProtocolCaller#survivable}.
   */
  public static Throwable survivable(Throwable failure) {
    return AppProtocolCaller.survivable(failure);
  }

  boolean debug() {
    return debug;
  }

  void setDebug(boolean enabled) {
    debug = enabled;
  }

  long slowNanos() {
    return slowNanos;
  }

  void setSlowNanos(long nanos) {
    slowNanos = nanos;
  }

  /** Runs an entry of the ready queue: a {@link Callback}, or a bare {@link Runnable}. */
  void run(Object entry) {
    if (!debug) {
      if (!meter.recordSlowCallbacks) {
        runCaught(entry);
        return;
      }
      SlowCallbackEvent event = beginSlowEvent(); // the event's own clock: no second timing
      runCaught(entry);
      endSlowEvent(event, entry);
      return;
    }
    SlowCallbackEvent event = beginSlowEvent();
    long start = clock.nanoTime();
    runCaught(entry);
    long took = clock.nanoTime() - start;
    if (took > slowNanos) {
      errors.warnSlow(describe(entry), took);
    }
    endSlowEvent(event, entry);
  }

  private SlowCallbackEvent beginSlowEvent() {
    if (!meter.recordSlowCallbacks) {
      return null;
    }
    SlowCallbackEvent event = new SlowCallbackEvent();
    event.begin();
    return event;
  }

  /** Records the event if it overran its threshold; {@code what} becomes text only then. */
  private void endSlowEvent(SlowCallbackEvent event, Object what) {
    if (event == null) {
      return;
    }
    event.end();
    if (event.shouldCommit()) {
      commitSlowEvent(event, describe(what));
    }
  }

  private void commitSlowEvent(SlowCallbackEvent event, Object what) {
    event.callback = String.valueOf(what);
    event.backend = meter.backendName;
    event.commit();
  }

  private void runCaught(Object entry) {
    try {
      if (entry instanceof Callback c) {
        c.run();
      } else {
        ((Runnable) entry).run();
      }
    } catch (Throwable t) {
      errors.report(
          "Exception in callback " + describe(entry),
          survivable(t),
          entry instanceof Callback c ? c.handleForReport() : null);
    }
  }

  /** What a report names a ready-queue entry by. Cold path only. */
  private static Object describe(Object entry) {
    return entry instanceof Callback c ? c.describedAs() : entry;
  }

  /** Delivers one I/O event; see {@link zloop.engine.spi.LoopContext#dispatch}. */
  <T> int dispatch(IoCallback<T> callback, T target, int a, int b, int c) {
    meter.ioEvent();
    if (!debug) {
      if (!meter.recordSlowCallbacks) {
        return dispatchCaught(callback, target, a, b, c);
      }
      SlowCallbackEvent event = beginSlowEvent();
      int n = dispatchCaught(callback, target, a, b, c);
      endSlowIoEvent(event, target);
      return n;
    }
    SlowCallbackEvent event = beginSlowEvent();
    long start = clock.nanoTime();
    int n = dispatchCaught(callback, target, a, b, c);
    long took = clock.nanoTime() - start;
    if (took > slowNanos) {
      errors.warnSlow(new IoEventDescription(target, transportOf(target)), took);
    }
    endSlowIoEvent(event, target);
    return n;
  }

  /** {@link #endSlowEvent} for an I/O event: its description is built only if it is recorded. */
  private void endSlowIoEvent(SlowCallbackEvent event, Object target) {
    if (event == null) {
      return;
    }
    event.end();
    if (event.shouldCommit()) {
      commitSlowEvent(event, new IoEventDescription(target, transportOf(target)));
    }
  }

  private <T> int dispatchCaught(IoCallback<T> callback, T target, int a, int b, int c) {
    try {
      return callback.run(target, a, b, c);
    } catch (Throwable t) {
      Throwable failure = survivable(t);
      StreamTransport transport = transportOf(target);
      errors.call(
          new ExceptionContext(
              "Exception in I/O callback for " + target,
              failure,
              null,
              null,
              transport,
              transport != null ? transport.getProtocol() : null));
      return 1;
    }
  }

  private StreamTransport transportOf(Object target) {
    return target instanceof SocketHandle s ? transports.get(s.fd()) : null;
  }

  /** What a slow I/O event report names: the backend's object, and its transport if it has one. */
  private record IoEventDescription(Object target, StreamTransport transport) {
    @Override
    public String toString() {
      if (transport == null) {
        return "IoEvent[" + target + "]";
      }
      return "IoEvent[" + target + ", transport=" + transport + ", protocol=" + transport.getProtocol() + "]";
    }
  }
}
