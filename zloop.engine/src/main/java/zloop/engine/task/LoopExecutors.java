package zloop.engine.task;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import zloop.Future;
import zloop.engine.Loop;

/**
 * {@code runInExecutor} and the default executor (a virtual thread per call). Results hop back to
 * the loop thread through the future.
 *
 * <p>The default executor's threads name the JDK's default scheduler explicitly: a virtual thread
 * built without one, inside a task, would inherit the loop as its scheduler and run its "blocking"
 * work on the loop thread. (A user executor with such threads is caught by {@link TaskCarrier},
 * which sends foreign continuations off the loop.)
 */
public final class LoopExecutors {
  private final Loop loop;
  private Executor defaultExecutor;
  private boolean ownsDefault;
  private boolean shutdownCalled;

  public LoopExecutors(Loop loop) {
    this.loop = loop;
  }

  public <T> Future<T> run(Executor executor, Callable<T> body) {
    java.util.Objects.requireNonNull(body, "body");
    Executor target = executor != null ? executor : defaultExecutor();
    LoopFuture<T> future = new LoopFuture<>(loop);
    try {
      target.execute(() -> runAndReport(future, body));
    } catch (RejectedExecutionException e) {
      future.tryFail(e);
    }
    return future;
  }

  private static <T> void runAndReport(LoopFuture<T> future, Callable<T> body) {
    if (future.isCancelled()) {
      return;
    }
    T value;
    try {
      value = body.call();
    } catch (Throwable t) {
      hopSafely(() -> future.setException(t));
      return;
    }
    hopSafely(() -> future.setResult(value));
  }

  /** A loop closed while the work ran has nobody to deliver to: drop the result. */
  private static void hopSafely(Runnable completion) {
    try {
      completion.run();
    } catch (zloop.EventLoopClosedException e) {
      // nobody is listening any more
    }
  }

  private synchronized Executor defaultExecutor() {
    if (shutdownCalled) {
      throw new IllegalStateException("Executor shutdown has been called");
    }
    if (defaultExecutor == null) {
      defaultExecutor =
          Executors.newThreadPerTaskExecutor(VirtualThreads.offLoopFactory("zloop-executor-"));
      ownsDefault = true;
    }
    return defaultExecutor;
  }

  public synchronized void setDefault(Executor executor) {
    defaultExecutor = executor;
    ownsDefault = false;
  }

  public Future<Void> shutdownDefault() {
    LoopFuture<Void> done = new LoopFuture<>(loop);
    ExecutorService toStop;
    synchronized (this) {
      shutdownCalled = true;
      toStop = ownsDefault ? (ExecutorService) defaultExecutor : null;
      defaultExecutor = null;
    }
    if (toStop == null) {
      done.tryComplete(null);
      return done;
    }
    toStop.shutdown();
    Thread.ofPlatform()
        .daemon()
        .name("zloop-executor-shutdown")
        .start(
            () -> {
              boolean interrupted = false;
              try {
                while (!toStop.awaitTermination(1, TimeUnit.SECONDS)) {
                  // keep waiting: asyncio waits for the executor's work without a limit
                }
              } catch (InterruptedException e) {
                interrupted = true;
              }
              if (interrupted) {
                hopSafely(() -> done.setException(new InterruptedException("shutdown interrupted")));
              } else {
                hopSafely(() -> done.setResult(null));
              }
            });
    return done;
  }

  public synchronized void shutdownNow() {
    if (ownsDefault && defaultExecutor instanceof ExecutorService es) {
      es.shutdown(); // asyncio's close(): shut down without waiting
    }
    defaultExecutor = null;
    shutdownCalled = true;
  }
}
