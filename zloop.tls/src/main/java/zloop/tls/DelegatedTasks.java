package zloop.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import zloop.EventLoop;
import zloop.internal.transport.AppProtocolCaller;

/**
 * Runs the engine's delegated tasks (certificate checks, key agreement) on the loop's executor, so
 * that the loop keeps serving other connections meanwhile, and resumes the connection on the loop
 * thread when they are done. The engine must not be driven while they run ({@link #running()}).
 */
final class DelegatedTasks {
  private final EventLoop loop;
  private boolean running;

  DelegatedTasks(EventLoop loop) {
    this.loop = loop;
  }

  boolean running() {
    return running;
  }

  /**
   * Takes every task the engine has and runs them off the loop, in order; then {@code resume}
   * runs on the loop thread, or {@code fail} with what a task threw.
   */
  void start(SSLEngine engine, Runnable resume, Consumer<Throwable> fail) {
    List<Runnable> batch = new ArrayList<>(2);
    Runnable t;
    while ((t = engine.getDelegatedTask()) != null) {
      batch.add(t);
    }
    running = true;
    zloop.Future<Void> done;
    try {
      done = loop.runInExecutor(null, () -> runAll(batch));
    } catch (IllegalStateException | RejectedExecutionException e) {
      runHere(batch, resume, fail); // the default executor was shut down
      return;
    }
    done.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            running = false;
            fail.accept(new java.util.concurrent.CancellationException("TLS delegated task cancelled"));
          } else if (f.exception() instanceof RejectedExecutionException) {
            runHere(batch, resume, fail);
          } else if (f.exception() != null) {
            running = false;
            fail.accept(f.exception());
          } else {
            running = false;
            resume.run();
          }
        });
  }

  private static Void runAll(List<Runnable> batch) {
    for (Runnable r : batch) {
      r.run();
    }
    return null;
  }

  /** The fallback without an executor: on the loop thread, which waits for them. */
  private void runHere(List<Runnable> batch, Runnable resume, Consumer<Throwable> fail) {
    try {
      runAll(batch);
    } catch (Throwable e) { // a trust manager's code among them: the engine's rule applies
      Throwable failure = AppProtocolCaller.survivable(e);
      running = false;
      loop.callSoon(() -> fail.accept(failure));
      return;
    }
    running = false;
    loop.callSoon(resume);
  }
}
