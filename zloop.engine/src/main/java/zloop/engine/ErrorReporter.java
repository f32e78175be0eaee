package zloop.engine;

import java.lang.System.Logger.Level;
import java.util.Locale;
import zloop.ExceptionContext;
import zloop.ExceptionHandler;
import zloop.Handle;

/**
 * Where failures nobody can receive go: the user's exception handler, or the default one, which
 * logs through {@link System.Logger} ("zloop"). A handler that throws is reported through the
 * default handler; nothing here ever throws back into the loop, except a {@link
 * VirtualMachineError}.
 */
public final class ErrorReporter {
  private static final System.Logger LOG = System.getLogger("zloop");

  private final Loop loop;
  private ExceptionHandler handler;

  ErrorReporter(Loop loop) {
    this.loop = loop;
  }

  ExceptionHandler handler() {
    return handler;
  }

  void setHandler(ExceptionHandler handler) {
    this.handler = handler;
  }

  public void report(String message, Throwable exception, Handle handle) {
    call(new ExceptionContext(message, exception, handle, null, null, null));
  }

  public void call(ExceptionContext context) {
    ExceptionHandler h = handler;
    if (h == null) {
      logDefault(context);
      return;
    }
    try {
      h.handle(loop, context);
    } catch (Throwable t) {
      CallbackGuard.survivable(t);
      logDefault(
          new ExceptionContext(
              "Unhandled error in exception handler (while handling: " + context.message() + ")",
              t,
              context.handle(),
              context.future(),
              context.transport(),
              context.protocol()));
    }
  }

  public void logDefault(ExceptionContext context) {
    StringBuilder text = new StringBuilder(context.message());
    if (context.handle() != null) {
      text.append("\nhandle: ").append(context.handle());
    }
    if (context.future() != null) {
      text.append("\nfuture: ").append(context.future());
    }
    if (context.transport() != null) {
      text.append("\ntransport: ").append(context.transport());
    }
    if (context.protocol() != null) {
      text.append("\nprotocol: ").append(context.protocol());
    }
    try {
      LOG.log(Level.ERROR, text.toString(), context.exception());
    } catch (RuntimeException loggingFailed) {
      // A broken logger must not take the loop down; there is nowhere left to report to.
    }
  }

  public void warn(String message) {
    LOG.log(Level.WARNING, message);
  }

  /** Debug mode's report of a slow callback or I/O event (asyncio's wording). */
  void warnSlow(Object what, long nanos) {
    LOG.log(
        Level.WARNING,
        () -> String.format(Locale.ROOT, "Executing %s took %.3f seconds", what, nanos / 1e9));
  }
}
