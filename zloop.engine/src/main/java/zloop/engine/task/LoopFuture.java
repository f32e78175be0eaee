package zloop.engine.task;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.InvalidStateException;
import zloop.engine.Callback;
import zloop.engine.Loop;

/**
 * The loop's future. State changes happen on the loop thread only; completions from other threads
 * hop there first. The state is volatile so that {@link #isDone()} and {@link #join()} work from
 * any thread.
 *
 * <p>A future that fails is watched by {@link Unretrieved} until someone reads the exception
 * ({@link #result}, {@link #exception}, {@link #join}, a combinator, {@link #cancel}); if it
 * becomes unreachable first, the loop's exception handler hears "Future exception was never
 * retrieved" (or "Task ..."), as asyncio's {@code __del__} does. Futures that succeed or are
 * cancelled never pay for it.
 *
 * <p>A future with one done callback is its own ready-queue entry when it completes (it is a
 * {@link Callback}): scheduling that callback allocates nothing. Callbacks added after completion,
 * and each callback of a future that has several, are queued as a node of their own.
 */
public class LoopFuture<T> extends Callback implements Future<T> {
  private static final int PENDING = 0;
  private static final int SUCCEEDED = 1;
  private static final int FAILED = 2;
  private static final int CANCELLED = 3;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(LoopFuture.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  public final Loop loop;

  /**
   * {@link #PENDING} (the default value: an explicit {@code = PENDING} would be a volatile store,
   * and a full fence, in every constructor), then the final state. Written on the loop thread
   * only, with release semantics ({@link #transition}); read with acquire semantics anywhere.
   */
  private volatile int state;
  /** The result, the exception, or the cancellation message: published by the state write. */
  private Object outcome;
  /**
   * While pending: {@code null}, one callback, or an {@code ArrayList} of them. Once done: the one
   * callback this future runs as a ready-queue entry, until it has run; otherwise {@code null}.
   */
  private Object callbacks;
  /** Set while the future has failed and nobody has read the exception yet. */
  private Unretrieved unretrieved;

  public LoopFuture(Loop loop) {
    this.loop = loop;
  }

  @Override
  public final EventLoop loop() {
    return loop;
  }

  @Override
  public final boolean isDone() {
    return state != PENDING;
  }

  @Override
  public final boolean isCancelled() {
    return state == CANCELLED;
  }

  @Override
  public T result() {
    return report();
  }

  @Override
  public Throwable exception() {
    int s = state;
    if (s == PENDING) {
      throw new InvalidStateException("Exception is not set.");
    }
    if (s == CANCELLED) {
      throw cancellation();
    }
    if (s == FAILED) {
      markRetrieved();
      return (Throwable) outcome;
    }
    return null;
  }

  @Override
  public void setResult(T value) {
    if (!loop.inLoopThread()) {
      loop.callSoonThreadSafe(() -> completeFromAnotherThread(SUCCEEDED, value));
      return;
    }
    complete(SUCCEEDED, value);
  }

  @Override
  public void setException(Throwable exception) {
    java.util.Objects.requireNonNull(exception, "exception");
    if (exception instanceof CancellationException) {
      throw new IllegalArgumentException("a CancellationException cannot be set: cancel instead");
    }
    if (!loop.inLoopThread()) {
      loop.callSoonThreadSafe(() -> completeFromAnotherThread(FAILED, exception));
      return;
    }
    complete(FAILED, exception);
  }

  @Override
  public boolean cancel(String message) {
    if (!loop.inLoopThread()) {
      loop.callSoonThreadSafe(() -> cancel(message));
      return true;
    }
    if (state != PENDING) {
      markRetrieved(); // asyncio: cancel() on a done future silences its unretrieved report
      return false;
    }
    transition(CANCELLED, message);
    return true;
  }

  /** Completion for the loop's own use: returns false instead of throwing when already done. */
  public final boolean tryComplete(T value) {
    if (state != PENDING) {
      return false;
    }
    transition(SUCCEEDED, value);
    return true;
  }

  public final boolean tryFail(Throwable exception) {
    if (state != PENDING) {
      return false;
    }
    transition(FAILED, exception);
    return true;
  }

  private void completeFromAnotherThread(int newState, Object value) {
    if (state == CANCELLED) {
      return; // the waiter gave up; a late result is not an error (asyncio's wrap_future rule)
    }
    complete(newState, value);
  }

  private void complete(int newState, Object value) {
    if (state != PENDING) {
      throw new InvalidStateException(describe() + " is already done");
    }
    transition(newState, value);
  }

  private void transition(int newState, Object value) {
    outcome = value;
    if (newState == FAILED) {
      unretrieved = Unretrieved.watch(this, (Throwable) value); // before the volatile publish
    }
    // A release store publishes the outcome to other threads' (volatile) reads of the state; the
    // full fence of a volatile store would order it before later loads too, which nothing needs:
    // only the loop thread writes the state, and whoever waits on another thread is woken through
    // unpark (its own synchronisation), as FutureTask publishes its final state.
    STATE.setRelease(this, newState);
    onDone();
    scheduleCallbacks();
  }

  /** Hook for subclasses, run once when the future becomes done, before callbacks. */
  public void onDone() {}

  @SuppressWarnings("unchecked")
  private void scheduleCallbacks() {
    Object cbs = callbacks;
    if (cbs == null) {
      return;
    }
    if (cbs instanceof ArrayList<?> list) {
      callbacks = null;
      for (Object cb : list) {
        dispatch((Consumer<? super Future<T>>) cb);
      }
    } else if (cbs instanceof Waker waker) {
      callbacks = null;
      wake(waker);
    } else {
      loop.scheduleInternal(this); // the callback stays in the field until run() takes it
    }
  }

  /** Runs the one done callback kept at completion; see {@link #scheduleCallbacks}. */
  @Override
  @SuppressWarnings("unchecked")
  public final void run() {
    Object cb = callbacks;
    if (cb != null) {
      ((Consumer<? super Future<T>>) cb).accept(this);
      callbacks = null; // kept while it runs, so a failure report can name it
    }
  }

  @Override
  public final Object describedAs() {
    return "DoneCallback[" + callbacks + "]";
  }

  private void dispatch(Consumer<? super Future<T>> cb) {
    if (cb instanceof Waker waker) {
      wake(waker);
    } else {
      loop.scheduleInternal(new DoneCallback<>(cb, this));
    }
  }

  private void wake(Waker waker) {
    try {
      waker.wake(); // a parked waiter is resumed directly: its continuation is itself a callback
    } catch (RuntimeException e) {
      // A scheduler refusing the wake-up (a task carrier never does) must not stop this
      // completion: the future's other callbacks still run.
      loop.errors().report("Exception waking a waiter of " + describe(), e, null);
    }
  }

  @Override
  public Consumer<? super Future<T>> addDoneCallback(Consumer<? super Future<T>> callback) {
    java.util.Objects.requireNonNull(callback, "callback");
    loop.checkThread();
    if (state != PENDING) {
      dispatch(callback);
      return callback;
    }
    addCallback(callback);
    return callback;
  }

  @SuppressWarnings("unchecked")
  private void addCallback(Object callback) {
    Object cbs = callbacks;
    if (cbs == null) {
      callbacks = callback;
    } else if (cbs instanceof ArrayList<?> list) {
      ((ArrayList<Object>) list).add(callback);
    } else {
      ArrayList<Object> list = new ArrayList<>(4);
      list.add(cbs);
      list.add(callback);
      callbacks = list;
    }
  }

  @Override
  public int removeDoneCallback(Consumer<? super Future<T>> callback) {
    loop.checkThread();
    if (state != PENDING) {
      return 0; // asyncio: completion scheduled every callback, there is nothing left to remove
    }
    Object cbs = callbacks;
    if (cbs == callback) {
      callbacks = null;
      return 1;
    }
    if (cbs instanceof ArrayList<?> list) {
      int before = list.size();
      list.removeIf(c -> c == callback);
      return before - list.size();
    }
    return 0;
  }

  @Override
  public T join() {
    try {
      return joinOnce();
    } catch (CancellationException e) {
      waitEndedCancelled();
      throw e;
    }
  }

  /**
   * Called when a {@code join} or {@code get} of this future ends in a cancellation: the future's,
   * or its waiting task's, which may come after the future was done. A future that handed its
   * waiter something (a lock, a permit, an item, a signal) takes it back here; by default nothing.
   */
  protected void waitEndedCancelled() {}

  private T joinOnce() {
    if (state != PENDING) {
      return report();
    }
    LoopTask<?> task = LoopTask.current();
    if (task != null) {
      return task.await(this);
    }
    refuseOnLoopThread("join()");
    if (awaitFromAnotherThread(false, 0, false) == WAIT_INTERRUPTED) {
      throw new CancellationException("join() was interrupted");
    }
    return report();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    try {
      awaitForGet(false, 0);
      return reportForGet();
    } catch (CancellationException e) {
      waitEndedCancelled();
      throw e;
    }
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      if (awaitForGet(true, unit.toNanos(timeout)) == WAIT_TIMED_OUT) {
        throw new TimeoutException(describe() + " not done within " + timeout + " " + unit);
      }
      return reportForGet();
    } catch (CancellationException e) {
      waitEndedCancelled();
      throw e;
    }
  }

  /** The wait of the {@code get} methods: a task parks, another thread blocks, a loop refuses. */
  private int awaitForGet(boolean timed, long timeoutNanos) throws InterruptedException {
    if (state != PENDING) {
      return WAIT_DONE;
    }
    LoopTask<?> task = LoopTask.current();
    int outcome;
    if (task != null) {
      outcome = task.awaitForGet(this, timed, timeoutNanos);
    } else {
      refuseOnLoopThread("get()");
      outcome = awaitFromAnotherThread(timed, timeoutNanos, true);
    }
    if (outcome == WAIT_INTERRUPTED) {
      throw new InterruptedException(describe() + ".get() was interrupted");
    }
    return outcome;
  }

  private static void refuseOnLoopThread(String what) {
    if (Loop.currentlyRunning() != null) {
      throw new IllegalStateException(
          what
              + " would block the event loop: call it inside a task (EventLoop.createTask), or"
              + " use addDoneCallback");
    }
  }

  /** How a wait ended: the future is done, the time ran out, or the waiter was interrupted. */
  static final int WAIT_DONE = 0;

  static final int WAIT_TIMED_OUT = 1;
  static final int WAIT_INTERRUPTED = 2;

  /**
   * Blocks this (non-loop) thread until the future is done, the timeout passes ({@code timed}) or
   * the thread is interrupted. An interrupt stays set on the thread unless {@code clearInterrupt}
   * (join keeps it and throws a cancellation; get clears it and throws InterruptedException).
   */
  private int awaitFromAnotherThread(boolean timed, long timeoutNanos, boolean clearInterrupt) {
    if (timed && timeoutNanos <= 0) {
      return WAIT_TIMED_OUT;
    }
    Waker waker = new Waker(Thread.currentThread());
    try {
      loop.callSoonThreadSafe(() -> addDoneCallback(waker));
    } catch (zloop.EventLoopClosedException closed) {
      if (state != PENDING) {
        return WAIT_DONE; // it finished while the loop closed (close() settles every task first)
      }
      throw closed; // nothing will ever complete it
    }
    long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
    int outcome = WAIT_DONE;
    while (state == PENDING) {
      if (timed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          outcome = WAIT_TIMED_OUT;
          break;
        }
        LockSupport.parkNanos(this, left);
      } else {
        LockSupport.park(this);
      }
      if (Thread.interrupted()) {
        if (!clearInterrupt) {
          Thread.currentThread().interrupt();
        }
        outcome = WAIT_INTERRUPTED;
        break;
      }
    }
    if (state != PENDING) {
      return WAIT_DONE;
    }
    removeWaker(waker);
    return outcome;
  }

  /** Registers a waker, hopping to this future's loop when called from elsewhere. */
  final void addWaker(Waker waker) {
    if (loop.inLoopThread()) {
      addDoneCallback(waker);
    } else {
      loop.callSoonThreadSafe(() -> addDoneCallback(waker));
    }
  }

  final void removeWaker(Waker waker) {
    if (loop.inLoopThread()) {
      removeDoneCallback(waker);
    } else if (!loop.isClosed()) {
      loop.callSoonThreadSafe(() -> removeDoneCallback(waker));
    }
  }

  /**
   * The outcome as {@code join()} and {@code result()} report it: the value, a {@link
   * CancellationException}, or the failure in a {@link CompletionException}, as {@link
   * CompletableFuture#join()} does (which also throws a failure that already is a {@code
   * CompletionException} or a {@code CancellationException} as it is).
   */
  @SuppressWarnings("unchecked")
  public final T report() {
    switch (state) {
      case SUCCEEDED:
        return (T) outcome;
      case FAILED:
        markRetrieved();
        Throwable t = (Throwable) outcome;
        if (t instanceof CompletionException ce) {
          throw ce;
        }
        if (t instanceof CancellationException ce) {
          throw ce; // gather's exception for a cancelled child: reported as a cancellation
        }
        throw new CompletionException(t);
      case CANCELLED:
        throw cancellation();
      default:
        throw new InvalidStateException("Result is not set.");
    }
  }

  /** The outcome as the {@code get} methods report it: failures in an {@link ExecutionException}. */
  @SuppressWarnings("unchecked")
  private T reportForGet() throws ExecutionException {
    switch (state) {
      case SUCCEEDED:
        return (T) outcome;
      case FAILED:
        markRetrieved();
        if (outcome instanceof CancellationException ce) {
          throw ce; // as CompletableFuture.get
        }
        throw new ExecutionException((Throwable) outcome);
      case CANCELLED:
        throw cancellation();
      default:
        throw new InvalidStateException("Result is not set.");
    }
  }

  @Override
  public final State state() {
    return switch (state) {
      case PENDING -> State.RUNNING;
      case SUCCEEDED -> State.SUCCESS;
      case FAILED -> State.FAILED;
      default -> State.CANCELLED;
    };
  }

  @Override
  @SuppressWarnings("unchecked")
  public final T resultNow() {
    return switch (state) {
      case SUCCEEDED -> (T) outcome;
      case FAILED -> throw new IllegalStateException(describe() + " failed", (Throwable) outcome);
      case CANCELLED -> throw new IllegalStateException(describe() + " was cancelled");
      default -> throw new IllegalStateException(describe() + " is not done");
    };
  }

  @Override
  public final Throwable exceptionNow() {
    return switch (state) {
      case FAILED -> {
        markRetrieved();
        yield (Throwable) outcome;
      }
      case SUCCEEDED -> throw new IllegalStateException(describe() + " succeeded");
      case CANCELLED -> throw new IllegalStateException(describe() + " was cancelled");
      default -> throw new IllegalStateException(describe() + " is not done");
    };
  }

  /** The exception has been handed to someone: no "never retrieved" report. Cold path only. */
  private void markRetrieved() {
    Unretrieved u = unretrieved;
    if (u != null) {
      unretrieved = null;
      u.dismiss();
    }
  }

  final CancellationException cancellation() {
    return new CancellationException((String) outcome);
  }

  final String cancelMessage() {
    return state == CANCELLED ? (String) outcome : null;
  }

  @Override
  public CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> cf = new CompletableFuture<>();
    Consumer<Future<T>> bridge =
        f -> {
          LoopFuture<T> lf = (LoopFuture<T>) f;
          switch (lf.state) {
            case SUCCEEDED -> cf.complete(lf.resultUnchecked());
            case FAILED -> {
              lf.markRetrieved();
              cf.completeExceptionally((Throwable) lf.outcome);
            }
            default -> cf.cancel(false);
          }
        };
    if (loop.inLoopThread()) {
      addDoneCallback(bridge);
    } else {
      loop.callSoonThreadSafe(() -> addDoneCallback(bridge));
    }
    // The view's cancellation, from any thread, cancels this future (a no-op once it is done).
    cf.whenComplete(
        (value, failure) -> {
          if (failure instanceof CancellationException && state == PENDING) {
            cancel((String) null);
          }
        });
    return cf;
  }

  @SuppressWarnings("unchecked")
  private T resultUnchecked() {
    return (T) outcome;
  }

  String describe() {
    return "Future";
  }

  @Override
  public String toString() {
    return describe()
        + switch (state) {
          case PENDING -> "[pending]";
          case SUCCEEDED -> "[result=" + outcome + "]";
          case FAILED -> "[exception=" + outcome + "]";
          default -> "[cancelled]";
        };
  }

  /** One done callback's run on the loop: a single node, no lambda around it. */
  private static final class DoneCallback<T> extends Callback {
    private final Consumer<? super Future<T>> callback;
    private final Future<T> future;

    DoneCallback(Consumer<? super Future<T>> callback, Future<T> future) {
      this.callback = callback;
      this.future = future;
    }

    @Override
    public void run() {
      callback.accept(future);
    }

    @Override
    public String toString() {
      return "DoneCallback[" + callback + "]";
    }
  }

  /**
   * A done callback that unparks a waiting thread (a task's virtual thread, or a foreign thread in
   * {@link #join()}). Run directly at completion instead of through the ready queue: the unpark
   * itself schedules the waiter's continuation, so waking costs one turn, not two.
   */
  static final class Waker implements Consumer<Future<?>> {
    private final Thread thread;

    Waker(Thread thread) {
      this.thread = thread;
    }

    void wake() {
      LockSupport.unpark(thread);
    }

    @Override
    public void accept(Future<?> f) {
      wake();
    }
  }

  /** Helper for combinators: every future of a list, as loop futures. */
  static List<LoopFuture<?>> asLoopFutures(List<? extends Future<?>> futures, Loop loop) {
    List<LoopFuture<?>> out = new ArrayList<>(futures.size());
    for (Future<?> f : futures) {
      if (!(f instanceof LoopFuture<?> lf) || lf.loop != loop) {
        throw new IllegalArgumentException(f + " belongs to another loop");
      }
      out.add(lf);
    }
    return out;
  }

  /**
   * The "exception was never retrieved" watch over one failed future: a {@link Cleaner} action
   * that holds what the report needs but not the future, so the future can become unreachable.
   * Retrieval dismisses it (and unregisters it at once); collection of the future runs it.
   */
  private static final class Unretrieved implements Runnable {
    private static final Cleaner CLEANER =
        Cleaner.create(Thread.ofPlatform().daemon().name("zloop-unretrieved").factory());

    private final Loop loop;
    private final Throwable exception;
    private final String message;
    private volatile boolean dismissed;
    private Cleaner.Cleanable registration;

    private Unretrieved(Loop loop, Throwable exception, String message) {
      this.loop = loop;
      this.exception = exception;
      this.message = message;
    }

    static Unretrieved watch(LoopFuture<?> future, Throwable exception) {
      String kind = future instanceof LoopTask<?> ? "Task" : "Future";
      Unretrieved u = new Unretrieved(future.loop, exception, kind + " exception was never retrieved");
      u.registration = CLEANER.register(future, u);
      return u;
    }

    void dismiss() {
      dismissed = true;
      registration.clean(); // runs this action now, as a no-op, and forgets the future
    }

    /** On the cleaner thread: hand the report to the loop thread, or log it if the loop is gone. */
    @Override
    public void run() {
      if (dismissed) {
        return;
      }
      ExceptionContext context = ExceptionContext.of(message, exception);
      try {
        loop.callSoonThreadSafe(() -> loop.errors().call(context));
      } catch (zloop.EventLoopClosedException closed) {
        loop.errors().logDefault(context);
      }
    }
  }
}
