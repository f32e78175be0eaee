package zloop.engine;

import zloop.ExceptionContext;
import zloop.internal.transport.AppProtocolCaller;
import zloop.engine.net.StreamTransport;
import zloop.engine.net.TransportsByFd;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.SocketHandle;

/**
 * The one guard around the code a loop calls: ready-queue callbacks and timers ({@link
 * #run(Callback)}), and every I/O event a backend delivers, whichever backend ({@link #dispatch},
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
 *       slow-callback duration is logged as "Executing &lt;...&gt; took X seconds".
 * </ul>
 *
 * <p>Nothing is allocated per call: the clock is read only in debug mode, a description is built
 * only for a failure or a slow call. Loop thread only.
 */
public final class CallbackGuard {
  private final ErrorReporter errors;
  private final Clock clock;
  private final TransportsByFd transports;
  private boolean debug;
  private long slowNanos = 100_000_000L;

  CallbackGuard(ErrorReporter errors, Clock clock, TransportsByFd transports) {
    this.errors = errors;
    this.clock = clock;
    this.transports = transports;
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

  /** Runs a callback of the ready queue. */
  void run(Callback c) {
    if (!debug) {
      runCaught(c);
      return;
    }
    long start = clock.nanoTime();
    runCaught(c);
    long took = clock.nanoTime() - start;
    if (took > slowNanos) {
      errors.warnSlow(c, took);
    }
  }

  private void runCaught(Callback c) {
    try {
      c.run();
    } catch (Throwable t) {
      errors.report("Exception in callback " + c, survivable(t), c.handleForReport());
    }
  }

  /** Delivers one I/O event; see {@link zloop.engine.spi.LoopContext#dispatch}. */
  <T> int dispatch(IoCallback<T> callback, T target, int a, int b, int c) {
    if (!debug) {
      return dispatchCaught(callback, target, a, b, c);
    }
    long start = clock.nanoTime();
    int n = dispatchCaught(callback, target, a, b, c);
    long took = clock.nanoTime() - start;
    if (took > slowNanos) {
      errors.warnSlow(new IoEventDescription(target, transportOf(target)), took);
    }
    return n;
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
