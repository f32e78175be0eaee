package zloop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A single-threaded event loop: asyncio's {@code AbstractEventLoop}, in Java idiom.
 *
 * <h2>Thread rules</h2>
 *
 * A loop runs on the thread that calls {@link #runForever()} or {@link #runUntilComplete}. Methods
 * marked <em>loop thread</em> must be called there (or from a task of this loop, which runs
 * there); before the loop runs they may be called from the thread that sets it up. Called from
 * another thread while the loop runs, they throw {@link IllegalStateException}. {@link
 * #callSoonThreadSafe} is the one entry for other threads; {@link #stop()}, {@link #isRunning()},
 * {@link #isClosed()}, {@link #time()} and {@link #backendName()} are safe from any thread.
 *
 * <h2>Time</h2>
 *
 * {@link #time()} is a monotonic clock in nanoseconds; deadlines ({@link #callAt}, {@link
 * TimerHandle#when()}) are on that clock and compared wrap-around safely.
 *
 * <h2>Order within a turn</h2>
 *
 * Each turn of the loop runs, in this order:
 *
 * <ol>
 *   <li><b>I/O callbacks</b>, as the backend reports readiness or completions: the protocol
 *       methods ({@code dataReceived}, {@code bufferUpdated}, {@code eofReceived}, {@code
 *       pauseWriting}/{@code resumeWriting}) and {@link #addReader}/{@link #addWriter} callbacks;
 *   <li><b>ready callbacks</b>, FIFO: those scheduled before this turn began (for example by a
 *       callback of the previous turn), then those the I/O callbacks of step 1 scheduled;
 *   <li><b>timers</b> that fell due, in deadline order.
 * </ol>
 *
 * Callbacks that step 2 or 3 schedule wait for the next turn. This is uvloop's order, not
 * asyncio's: asyncio queues an I/O callback behind the callbacks already ready (so those run
 * first, and what an I/O callback schedules waits for the next turn). zloop runs I/O callbacks
 * in place because queueing each event would cost an allocation or a copy per event on the
 * hottest path. What holds in both, and what code should rely on: {@code callSoon} callbacks run
 * FIFO, a callback scheduled from a callback never runs in the same step, {@code connectionMade}
 * runs before any data, and {@code connectionLost} runs on a later turn than what caused it.
 *
 * <h2>Errors in callbacks</h2>
 *
 * Everything the loop calls — callbacks, timers, task steps, protocol methods, fd watcher
 * callbacks, on every backend — runs under one rule. A {@link Throwable} it throws, an {@link
 * AssertionError} included, goes to the exception handler ({@link #setExceptionHandler}) with
 * what it was for (handle, transport, protocol), and the loop carries on. A protocol method that
 * throws also loses its connection, as in asyncio ({@code connectionLost} gets the exception),
 * except {@code connectionMade}: see {@link BaseProtocol#connectionMade}. A {@link
 * VirtualMachineError} ({@link OutOfMemoryError}, {@link StackOverflowError}) is not caught: the
 * loop stops, and {@link #runForever()} or {@link #runUntilComplete} throws it, because after one
 * the JVM may be unable to run a handler or to keep the loop's state consistent.
 *
 * <h2>Debug mode</h2>
 *
 * With {@link #setDebug} on, each callback and each I/O event (all the protocol and watcher code
 * that one readiness or completion runs) is timed, and one slower than {@link
 * #slowCallbackDuration()} is logged as a warning on the {@code "zloop"} {@link System.Logger}:
 * "Executing &lt;what&gt; took 0.200 seconds", as asyncio does for its handles, I/O ones included.
 */
public interface EventLoop extends AutoCloseable {

  // ---- lifecycle ----

  /**
   * Runs until {@link #stop()} is called: asyncio's {@code run_forever}.
   *
   * @throws IllegalStateException if the loop is already running, or another loop runs on this
   *     thread
   * @throws EventLoopClosedException if the loop is closed
   */
  void runForever();

  /**
   * Runs until the future is done and returns its result, as {@link Future#join()} would: a
   * failure is thrown as a {@link java.util.concurrent.CompletionException} whose cause is the
   * future's exception, a cancellation as a {@link CancellationException}.
   *
   * @param <T> the result type
   * @param future a future of this loop
   * @return the future's result
   * @throws IllegalStateException if the loop stops before the future is done ("Event loop
   *     stopped before Future completed.") or is already running
   * @throws IllegalArgumentException if the future belongs to another loop
   */
  <T> T runUntilComplete(Future<T> future);

  /**
   * Runs the body as a task until it is done and returns its result, as {@link
   * #runUntilComplete(Future)} does.
   *
   * @param <T> the result type
   * @param body the task's body
   * @return the body's result
   */
  default <T> T runUntilComplete(Callable<T> body) {
    return runUntilComplete(createTask(body));
  }

  /**
   * Asks the loop to stop: the current turn finishes, the loop returns from {@link #runForever()}.
   * Called before the loop runs, the next run does one turn and returns. Any thread.
   */
  void stop();

  /**
   * Whether the loop is running. Any thread.
   *
   * @return {@code true} inside {@link #runForever()} or {@link #runUntilComplete}
   */
  boolean isRunning();

  /**
   * Whether {@link #close()} was called. Any thread.
   *
   * @return {@code true} once closed
   */
  boolean isClosed();

  /**
   * Closes the loop. First, if tasks are still pending, it cancels each of them once and runs the
   * loop until every one has finished (asyncio.run's {@code _cancel_all_tasks} rule, applied by
   * close() itself so that no task outlives its loop): their {@code finally} blocks run, threads
   * joining them wake with a {@link java.util.concurrent.CancellationException}, and nothing they
   * held stays reachable. Callbacks that are ready meanwhile run too; a task that suppresses its
   * cancellation keeps close() waiting until it finishes, as asyncio.run would. Then close() drops
   * the callbacks still pending, shuts down the default executor without waiting, and releases
   * the backend. Idempotent. After it, new work fails with {@link EventLoopClosedException}.
   *
   * <p>Unwinding tasks needs a platform thread that runs no other loop; called elsewhere (in a task
   * or callback of another loop) close() does it on a helper platform thread. A backend bound to
   * the thread that first ran it (io_uring with {@code IORING_SETUP_SINGLE_ISSUER}) refuses that
   * thread: close() then throws, the loop stays open, and it must be closed from its own thread.
   *
   * @throws IllegalStateException if the loop is running
   */
  @Override
  void close();

  /**
   * The name of the I/O backend this loop runs on ({@code epoll}, {@code nio}, ...). Any thread.
   *
   * @return the backend's name
   */
  String backendName();

  // ---- scheduling ----

  /**
   * Schedules the callback to run on a later turn, FIFO with other such callbacks. Loop thread.
   *
   * @param callback what to run
   * @return a handle to cancel it
   */
  Handle callSoon(Runnable callback);

  /**
   * Schedules the callback from any thread, waking the loop if it is waiting for I/O. The only
   * thread-safe way into a running loop.
   *
   * @param callback what to run on the loop thread
   * @return a handle to cancel it
   * @throws EventLoopClosedException if the loop is closed
   */
  Handle callSoonThreadSafe(Runnable callback);

  /**
   * Schedules the callback as {@link #callSoon} does, FIFO with {@code callSoon} callbacks, but
   * returns no handle: on the loop thread the callback itself is queued, so scheduling allocates
   * nothing (each {@code callSoon} allocates its {@link Handle}). From any other thread it does
   * what {@link #callSoonThreadSafe} does. So {@code loop::execute} is a {@link Executor} that
   * runs on the loop. zloop's addition: asyncio's {@code call_soon} always returns a handle.
   *
   * @param callback what to run on the loop thread; it cannot be cancelled
   * @throws EventLoopClosedException if the loop is closed
   */
  void execute(Runnable callback);

  /**
   * Schedules the callback to run after the delay. Equal deadlines run in scheduling order. Loop
   * thread.
   *
   * @param delay how long from now
   * @param callback what to run
   * @return a handle to cancel it
   */
  TimerHandle callLater(Duration delay, Runnable callback);

  /**
   * Schedules the callback at a deadline on the loop's clock ({@link #time()}). Loop thread.
   *
   * @param deadlineNanos the deadline, in {@link #time()} nanoseconds
   * @param callback what to run
   * @return a handle to cancel it
   */
  TimerHandle callAt(long deadlineNanos, Runnable callback);

  /**
   * The loop's monotonic clock, in nanoseconds. Any thread.
   *
   * @return the current time on the loop's clock
   */
  long time();

  // ---- futures and tasks ----

  /**
   * A new pending future bound to this loop: asyncio's {@code create_future}.
   *
   * @param <T> the result type
   * @return the future
   */
  <T> Future<T> createFuture();

  /**
   * Starts the body as a task named "Task-N". Loop thread.
   *
   * @param <T> the result type
   * @param body the task's body
   * @return the task
   */
  default <T> Task<T> createTask(Callable<T> body) {
    return createTask(body, null);
  }

  /**
   * Starts the body as a task: a virtual thread whose scheduler is this loop. The body's first
   * step runs on a later turn. Loop thread.
   *
   * @param <T> the result type
   * @param body the task's body
   * @param name the task's name, or {@code null} for "Task-N"
   * @return the task
   * @throws UnsupportedOperationException if the JVM does not allow zloop to schedule virtual
   *     threads (the message names the {@code --add-opens} flag to add)
   */
  <T> Task<T> createTask(Callable<T> body, String name);

  /**
   * Replaces how {@link #createTask} builds tasks; {@code null} restores the default.
   *
   * @param factory the new factory, or {@code null}
   */
  void setTaskFactory(TaskFactory factory);

  /**
   * The task factory set with {@link #setTaskFactory}.
   *
   * @return the factory, or {@code null} for the default
   */
  TaskFactory getTaskFactory();

  /**
   * The tasks of this loop that are not done yet. Loop thread.
   *
   * @return a snapshot of the pending tasks
   */
  Set<Task<?>> allTasks();

  /**
   * A future that completes with a value after the delay: {@code asyncio.sleep}. In a task, {@code
   * sleep(d).join()} parks the task; {@code sleep(Duration.ZERO)} yields for one turn.
   *
   * @param <T> the value's type
   * @param delay how long
   * @param value the future's result
   * @return the future
   */
  <T> Future<T> sleep(Duration delay, T value);

  /**
   * {@link #sleep(Duration, Object)} with a {@code null} value.
   *
   * @param delay how long
   * @return the future
   */
  default Future<Void> sleep(Duration delay) {
    return sleep(delay, null);
  }

  /**
   * A future of the results of all the futures, in order: {@code asyncio.gather}; the same as
   * {@link #gather(List, boolean)} without {@code returnExceptions}, typed by the values.
   *
   * @param <T> the values' type
   * @param futures futures of this loop
   * @return a future of their results, in order
   */
  <T> Future<List<T>> gather(List<? extends Future<? extends T>> futures);

  /**
   * A future of the outcomes of all the futures, in order: {@code asyncio.gather(*fs,
   * return_exceptions=...)}. The same future may appear more than once. Loop thread.
   *
   * <p>Without {@code returnExceptions}, the first child that fails ends the gather with that
   * failure, and the first child that is cancelled ends it with a {@link CancellationException}
   * <em>as its exception</em>: the gather is then done but not {@link Future#isCancelled()
   * cancelled}, and its {@link Future#exception()} returns that {@link CancellationException}
   * (asyncio sets a {@code CancelledError} exception, so that one cancelled child does not look
   * like a cancelled gather). The other children keep running either way. With {@code
   * returnExceptions}, a failure, or a {@link CancellationException} for a cancelled child, takes
   * the child's place in the list.
   *
   * <p>{@link Future#cancel(String) Cancelling} the gather cancels its children that are not done
   * and returns whether any of them accepted; it returns {@code false}, and cancels nothing, when
   * every child is done already, even if the gather has not noticed yet. The gather ends when its
   * children do, and a cancellation it passed on always ends it with a {@link
   * CancellationException} exception, whatever {@code returnExceptions} says and even if every
   * child swallowed its cancellation and returned a value (bpo-32684).
   *
   * @param futures futures of this loop
   * @param returnExceptions whether failures take their futures' places instead of failing it
   * @return a future of the outcomes, in order
   * @throws IllegalArgumentException if a future belongs to another loop
   */
  Future<List<Object>> gather(List<? extends Future<?>> futures, boolean returnExceptions);

  /**
   * The future's result within a timeout: {@code asyncio.wait_for}, which shares {@link
   * #withTimeout}'s rules.
   *
   * <p>When the timeout passes, the future is cancelled, and the returned one ends only once the
   * future has: it then fails with a {@link TimeoutException} whose cause is the future's {@link
   * CancellationException}. That {@code TimeoutException} is what {@link Future#exception()}
   * returns; {@link Future#join()} and {@link Future#result()} throw it wrapped in a {@link
   * java.util.concurrent.CompletionException}, as they do every failure (and as {@code
   * CompletableFuture.orTimeout(...).join()} does). If the future swallows the cancellation and
   * ends with a value or another failure, that is the outcome. A timeout of zero or less cancels a
   * future that is not done at once (a task that has not started never starts); a future already
   * done gives its outcome whatever the timeout. {@code null}: no timeout.
   *
   * <p>Cancelling the returned future cancels the future and returns whether it accepted; the
   * returned future ends (cancelled) when the future does, so a task waiting on it resumes only
   * after the future's own cancellation handling has finished. A cancellation requested this way
   * wins over a timeout that passes meanwhile.
   *
   * @param <T> the result type
   * @param future a future of this loop
   * @param timeout how long to wait; zero or negative: the deadline has passed; {@code null}: no
   *     timeout
   * @return a future of the future's result, or of the timeout
   * @throws IllegalArgumentException if the future belongs to another loop
   */
  <T> Future<T> waitFor(Future<T> future, Duration timeout);

  /**
   * Runs the body in the current task with a deadline: {@code async with asyncio.timeout(d)}. Must
   * be called from a task of this loop.
   *
   * <p>When the timeout passes, the task is {@link Task#cancel(String) cancelled}: the body sees a
   * {@link CancellationException} at the {@link Future#join()} it waits in (or its next one). When
   * that cancellation leaves the body, this method withdraws its request ({@link Task#uncancel()})
   * and throws a {@link TimeoutException} caused by it, unless another cancellation of the task was
   * requested since the scope was entered ({@link Task#cancelling()} compared with its value on
   * entry, as asyncio does): then the {@link CancellationException} propagates, so nested scopes
   * report a timeout only from the outermost one that expired, and a cancellation the task had
   * swallowed before entering does not count. If the body swallows the cancellation, its value or
   * exception is the outcome and the task is not left cancelled.
   *
   * <p>Timeout model, shared with {@link #waitFor}: a timeout is always a {@link TimeoutException}
   * caused by the {@link CancellationException} that stopped the work; this method throws it
   * directly, {@code waitFor}'s future fails with it.
   *
   * @param <T> the result type
   * @param timeout zero or negative: the deadline has passed and the body is cancelled at its first
   *     wait; {@code null}: no timeout
   * @param body the code to run under the deadline
   * @return the body's result
   * @throws TimeoutException if the deadline passed and its cancellation ended the body
   * @throws Exception what the body throws
   * @throws IllegalStateException outside a task of this loop
   */
  <T> T withTimeout(Duration timeout, Callable<T> body) throws Exception;

  /**
   * Wraps a {@link CompletionStage} of any thread as a future of this loop: asyncio's {@code
   * wrap_future}.
   *
   * @param <T> the result type
   * @param stage the stage to follow
   * @return a future that completes on the loop thread when the stage does
   */
  <T> Future<T> wrap(CompletionStage<T> stage);

  // ---- task coordination: task groups, wait, asCompleted, shield, timeout scopes ----

  /**
   * A task group for a {@code try}-with-resources block in the current task: {@code try (var g =
   * loop.taskGroup()) { g.createTask(...); }}, where {@link TaskGroup#close()} waits for the
   * children. See {@link TaskGroup} for how this form differs from {@link #withTaskGroup}: a
   * failing child cancels the other children but not the body, and the body's own exceptions do
   * not reach the group.
   *
   * @return a new group owned by the current task
   * @throws IllegalStateException outside a task of this loop ("TaskGroup cannot determine the
   *     parent task")
   */
  TaskGroup taskGroup();

  /**
   * Runs the body with a new task group and returns its value once every child is done: asyncio's
   * {@code async with TaskGroup() as g}, with its semantics in full (see {@link TaskGroup}): the
   * first failure, a child's or the body's, cancels the children and the body, and all failures
   * are thrown together as one {@link TaskGroupException}. Must be called from a task of this
   * loop.
   *
   * @param <T> the result type
   * @param body the code that starts the children
   * @return what the body returned
   * @throws TaskGroupException carrying the failures of the children and the body, in order
   * @throws CancellationException if the calling task was cancelled from outside and nothing
   *     failed
   * @throws Error the first {@link Error} a child or the body threw, as it is
   * @throws IllegalStateException outside a task of this loop
   */
  <T> T withTaskGroup(TaskGroup.Body<T> body);

  /**
   * {@link #wait(Collection, ReturnWhen, Duration)} without a timeout.
   *
   * @param <F> the type of the futures
   * @param futures the futures to wait on, of this loop; duplicates count once
   * @param returnWhen when the wait completes
   * @return a future of the done and pending futures
   * @throws IllegalArgumentException if {@code futures} is empty or holds another loop's future
   */
  <F extends Future<?>> Future<WaitResult<F>> wait(
      Collection<? extends F> futures, ReturnWhen returnWhen);

  /**
   * A future that completes when {@code returnWhen} is met or the timeout passes, with the futures
   * then done and those still pending: {@code asyncio.wait}. It never cancels, completes or reads
   * the futures (except that {@link ReturnWhen#FIRST_EXCEPTION} reads an exception to see it, which
   * counts as retrieving it), and a timeout leaves the pending ones running. Cancelling the
   * returned future stops the wait and nothing else. The sets are taken when the wait completes;
   * a future done in the same turn may be in either. Loop thread.
   *
   * <p>The name overloads {@link Object#wait()} only by its arguments: this one never blocks.
   *
   * @param <F> the type of the futures
   * @param futures the futures to wait on, of this loop; duplicates count once
   * @param returnWhen when the wait completes
   * @param timeout the longest wait; zero or negative: one look on the next turn
   * @return a future of the done and pending futures
   * @throws IllegalArgumentException if {@code futures} is empty or holds another loop's future
   */
  <F extends Future<?>> Future<WaitResult<F>> wait(
      Collection<? extends F> futures, ReturnWhen returnWhen, Duration timeout);

  /**
   * {@link #asCompleted(Collection, Duration)} without a timeout.
   *
   * @param <F> the type of the futures
   * @param futures the futures, of this loop; duplicates count once; may be empty
   * @return the futures in completion order
   * @throws IllegalArgumentException if a future belongs to another loop
   */
  <F extends Future<?>> AsCompleted<F> asCompleted(Collection<? extends F> futures);

  /**
   * The futures, handed out as they complete: {@code asyncio.as_completed} with Python 3.13's
   * semantics (iteration yields the original futures). See {@link AsCompleted}. Loop thread.
   *
   * @param <F> the type of the futures
   * @param futures the futures, of this loop; duplicates count once; may be empty
   * @param timeout the deadline for all of them, after which the next call fails with a {@link
   *     TimeoutException}; the futures are not cancelled
   * @return the futures in completion order
   * @throws IllegalArgumentException if a future belongs to another loop
   */
  <F extends Future<?>> AsCompleted<F> asCompleted(
      Collection<? extends F> futures, Duration timeout);

  /**
   * A future that mirrors {@code future} but whose cancellation does not reach it: {@code
   * asyncio.shield}. Cancelling the returned future (or a task waiting on it) leaves {@code
   * future} running; if {@code future} itself is cancelled, so is the returned one. A future that
   * is already done is returned as it is. Loop thread.
   *
   * @param <T> the result type
   * @param future the future to protect, of this loop
   * @return the shielding future, or {@code future} if it is done
   * @throws IllegalArgumentException if the future belongs to another loop
   */
  <T> Future<T> shield(Future<T> future);

  /**
   * A {@link Timeout} whose deadline is {@code delay} from now: {@code asyncio.timeout(delay)}.
   * The deadline is fixed when this is called, not when {@link Timeout#run} begins.
   *
   * @param delay the time allowed; zero or negative: the deadline has passed
   * @return a timeout to {@link Timeout#run} once
   */
  Timeout timeout(Duration delay);

  /**
   * A {@link Timeout} with a deadline on this loop's clock: {@code asyncio.timeout_at(when)}.
   *
   * @param deadlineNanos the deadline in nanoseconds of {@link #time()}
   * @return a timeout to {@link Timeout#run} once
   */
  Timeout timeoutAt(long deadlineNanos);

  /**
   * A {@link Timeout} without a deadline, which {@link Timeout#reschedule} may set later: {@code
   * asyncio.timeout(None)}.
   *
   * @return a timeout to {@link Timeout#run} once
   */
  Timeout timeoutNever();

  // ---- executors ----

  /**
   * Runs the body on the executor ({@code null}: the default executor, a virtual thread per call)
   * and completes the returned future on the loop thread: asyncio's {@code run_in_executor}.
   *
   * @param <T> the result type
   * @param executor where to run, or {@code null} for the default executor
   * @param body the blocking work
   * @return a future of the body's result
   */
  <T> Future<T> runInExecutor(Executor executor, Callable<T> body);

  /**
   * Replaces the default executor used by {@link #runInExecutor} with {@code null}.
   *
   * @param executor the new default executor
   */
  void setDefaultExecutor(Executor executor);

  /**
   * Shuts the default executor down and completes when all its work has finished. After it, {@link
   * #runInExecutor} with the default executor fails.
   *
   * @return a future that completes once the executor's work is done
   */
  Future<Void> shutdownDefaultExecutor();

  // ---- synchronization primitives (zloop.sync) ----

  /**
   * A new unlocked {@link zloop.sync.Lock} bound to this loop: asyncio's {@code Lock()}. The
   * primitives made here are used from this loop's tasks and callbacks only (see {@link
   * zloop.sync}).
   *
   * @return the lock
   */
  zloop.sync.Lock createLock();

  /**
   * A new clear {@link zloop.sync.Event} bound to this loop: asyncio's {@code Event()}.
   *
   * @return the event
   */
  zloop.sync.Event createEvent();

  /**
   * A new {@link zloop.sync.Condition} with a lock of its own: asyncio's {@code Condition()}.
   *
   * @return the condition
   */
  zloop.sync.Condition createCondition();

  /**
   * A new {@link zloop.sync.Condition} over a lock that others may share: asyncio's {@code
   * Condition(lock)}.
   *
   * @param lock a lock made by this loop's {@link #createLock()}
   * @return the condition
   * @throws IllegalArgumentException if the lock was made by another loop or is not zloop's
   */
  zloop.sync.Condition createCondition(zloop.sync.Lock lock);

  /**
   * A new {@link zloop.sync.Semaphore} bound to this loop: asyncio's {@code Semaphore(value)}.
   *
   * @param permits the initial number of permits
   * @return the semaphore
   * @throws IllegalArgumentException if {@code permits} is negative
   */
  zloop.sync.Semaphore createSemaphore(int permits);

  /**
   * A new {@link zloop.sync.BoundedSemaphore}: asyncio's {@code BoundedSemaphore(value)}.
   *
   * @param permits the initial number of permits, which is also the bound
   * @return the semaphore
   * @throws IllegalArgumentException if {@code permits} is negative
   */
  zloop.sync.BoundedSemaphore createBoundedSemaphore(int permits);

  /**
   * A new {@link zloop.sync.Barrier} bound to this loop: asyncio's {@code Barrier(parties)}.
   *
   * @param parties how many waits fill a round
   * @return the barrier
   * @throws IllegalArgumentException if {@code parties} is less than 1
   */
  zloop.sync.Barrier createBarrier(int parties);

  /**
   * A new FIFO {@link zloop.sync.Queue} bound to this loop: asyncio's {@code Queue(maxsize)}.
   *
   * @param <T> the item type
   * @param maxsize the most items it holds; zero or less: unbounded
   * @return the queue
   */
  <T> zloop.sync.Queue<T> createQueue(int maxsize);

  /**
   * A new LIFO {@link zloop.sync.Queue} (the newest item first): asyncio's {@code LifoQueue}.
   *
   * @param <T> the item type
   * @param maxsize the most items it holds; zero or less: unbounded
   * @return the queue
   */
  <T> zloop.sync.Queue<T> createLifoQueue(int maxsize);

  /**
   * A new priority {@link zloop.sync.Queue} (the least item by {@code order} first): asyncio's
   * {@code PriorityQueue}. Items that compare equal come out in no particular order, as from
   * asyncio's heap.
   *
   * @param <T> the item type
   * @param maxsize the most items it holds; zero or less: unbounded
   * @param order how items compare ({@link java.util.Comparator#naturalOrder()} for {@link
   *     Comparable} items)
   * @return the queue
   */
  <T> zloop.sync.Queue<T> createPriorityQueue(int maxsize, java.util.Comparator<? super T> order);

  // ---- networking ----

  /**
   * Listens on every address of {@code host} ({@code null} or {@code ""}: all interfaces, IPv4 and
   * IPv6) at {@code port} (0: a free port, the same one on every address where possible), and
   * serves each accepted connection with a new protocol from the factory. asyncio's {@code
   * create_server}. TCP_NODELAY is set on accepted connections. The future fails with a {@link
   * java.net.BindException} if the address is in use.
   *
   * @param protocolFactory makes a protocol per accepted connection
   * @param host the host to listen on ({@code null} or {@code ""}: all interfaces)
   * @param port the port (0: a free one)
   * @param options backlog, reuse flags, TLS...
   * @return a future of the server, listening
   */
  Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory, String host, int port, ServerOptions options);

  /**
   * {@link #createServer(Supplier, String, int, ServerOptions)} on several hosts at once.
   *
   * @param protocolFactory makes a protocol per accepted connection
   * @param hosts the hosts to listen on
   * @param port the port (0: a free one)
   * @param options backlog, reuse flags, TLS...
   * @return a future of the server, listening
   */
  Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory,
      List<String> hosts,
      int port,
      ServerOptions options);

  /**
   * Connects to {@code host:port}, trying each resolved address (RFC 8305 happy eyeballs when the
   * options give a delay), and completes with the transport and the protocol the factory made.
   * The future fails with a {@link java.net.ConnectException} if every address refused; with
   * several distinct errors the others are attached as suppressed exceptions.
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the connection's protocol
   * @param host the host to connect to
   * @param port the port to connect to
   * @param options local address, happy eyeballs, TLS...
   * @return a future of the connection
   */
  <P extends BaseProtocol> Future<Connection<P>> createConnection(
      Supplier<P> protocolFactory, String host, int port, ConnectOptions options);

  /**
   * A Unix-domain stream server (a filesystem path, or a Linux abstract name).
   *
   * @param protocolFactory makes a protocol per accepted connection
   * @param address where to listen
   * @param options backlog, TLS...
   * @return a future of the server, listening
   */
  Future<Server> createUnixServer(
      Supplier<? extends BaseProtocol> protocolFactory, UnixAddress address, ServerOptions options);

  /**
   * Connects to a Unix-domain stream server.
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the connection's protocol
   * @param address the server's address
   * @return a future of the connection
   */
  <P extends BaseProtocol> Future<Connection<P>> createUnixConnection(
      Supplier<P> protocolFactory, UnixAddress address);

  /**
   * Connects to a Unix-domain stream server with options; only {@link ConnectOptions#tls()}
   * applies (its {@link TlsOptions#serverHostName()} must be set: there is no host to default
   * to).
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the connection's protocol
   * @param address the server's address
   * @param options the connection's options (only TLS applies)
   * @return a future of the connection
   */
  <P extends BaseProtocol> Future<Connection<P>> createUnixConnection(
      Supplier<P> protocolFactory, UnixAddress address, ConnectOptions options);

  /**
   * asyncio's {@code create_server(sock=)}: serves connections accepted on a socket the caller
   * made ({@link #openTcpSocket}, {@link #openUnixSocket} or {@link #adoptSocket}, then bound).
   * The socket is made listening with {@link ServerOptions#backlog()} (a listening socket keeps
   * listening); {@link ServerOptions#reuseAddress()} and {@link ServerOptions#reusePort()} do not
   * apply (set them on the socket before binding). From this call on the server owns the socket:
   * it is what {@link Server#sockets()} lists, {@link Server#close()} closes it, and the caller's
   * {@link NetSocket#close()}, {@code bind} and {@code listen} throw {@link
   * IllegalStateException}. A Unix socket's file is not removed on close (asyncio neither).
   *
   * @param protocolFactory makes a protocol per accepted connection
   * @param socket a bound socket of this loop
   * @param options the backlog and TLS apply
   * @return a future of the server, listening
   * @throws IllegalArgumentException if {@code socket} is not a socket of this loop, or a
   *     transport or another server owns it
   */
  Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory, NetSocket socket, ServerOptions options);

  /**
   * asyncio's {@code create_connection(sock=)}: wraps a socket the caller already connected (for
   * example with {@link #sockConnect}) in a transport. The transport owns the socket from this
   * call on: the caller's {@link NetSocket#close()} throws {@link IllegalStateException}, closing
   * the transport closes it. Only {@link ConnectOptions#tls()} applies; the options about dialing
   * (a local address, happy eyeballs, interleave, all errors) are refused, as asyncio refuses
   * host/port together with {@code sock}. TLS needs {@link TlsOptions#serverHostName()} set
   * ({@code ""} to skip the host name check): there is no host to default to.
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the connection's protocol
   * @param socket a connected socket of this loop
   * @param options only TLS applies
   * @return a future of the connection
   * @throws IllegalArgumentException if {@code socket} is not a connected socket of this loop, a
   *     transport or a server owns it already, or the options ask for something that needs dialing
   */
  <P extends BaseProtocol> Future<Connection<P>> createConnection(
      Supplier<P> protocolFactory, NetSocket socket, ConnectOptions options);

  /**
   * Wraps a socket that is already connected (accepted elsewhere) in a transport; as {@link
   * #connectAcceptedSocket(Supplier, NetSocket, TlsOptions)} without TLS.
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the connection's protocol
   * @param socket a connected socket of this loop
   * @return a future of the connection
   */
  <P extends BaseProtocol> Future<Connection<P>> connectAcceptedSocket(
      Supplier<P> protocolFactory, NetSocket socket);

  /**
   * asyncio's {@code connect_accepted_socket}: wraps a connected socket (accepted elsewhere, for
   * example by {@link #sockAccept} or in another process and given to {@link #adoptSocket}) in a
   * transport that plays the server's side. With {@code tls} the connection is TLS, this end the
   * TLS server (asyncio's {@code ssl=}), and the future completes after the handshake. The
   * transport owns the socket from this call on, as in {@link #createConnection(Supplier,
   * NetSocket, ConnectOptions)}.
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the connection's protocol
   * @param socket a connected socket of this loop
   * @param tls the server's TLS options, or {@code null} for a plain connection
   * @return a future of the connection (after the handshake, with TLS)
   * @throws IllegalArgumentException if {@code socket} is not a connected socket of this loop, or
   *     a transport or a server owns it already
   */
  <P extends BaseProtocol> Future<Connection<P>> connectAcceptedSocket(
      Supplier<P> protocolFactory, NetSocket socket, TlsOptions tls);

  /**
   * Resolves a host name on the default executor: asyncio's {@code getaddrinfo}.
   *
   * @param host a host name or an address literal (answered without a lookup)
   * @param port the port every resolved address carries
   * @return a future of the addresses, in the resolver's order
   */
  Future<List<InetSocketAddress>> getAddrInfo(String host, int port);

  /**
   * Reverse-resolves an address on the default executor: asyncio's {@code getnameinfo}.
   *
   * @param address the address to name
   * @return a future of the host name (the address's text if it has none)
   */
  Future<String> getNameInfo(InetSocketAddress address);

  /**
   * Sends {@code count} bytes of the file from {@code position} over the transport (the kernel's
   * {@code sendfile} where the backend has it, a copy loop otherwise) and completes with the
   * number of bytes sent (fewer only if the file is shorter). The transport's buffer is flushed
   * first; further writes wait until the file is sent. asyncio's {@code sendfile}.
   *
   * @param transport the connection to send over
   * @param file the file to send
   * @param position the offset of the first byte to send
   * @param count how many bytes to send
   * @return a future of the number of bytes sent
   */
  Future<Long> sendFile(Transport transport, Path file, long position, long count);

  /**
   * Upgrades a connected transport to TLS: asyncio's {@code start_tls}. The transport's protocol
   * is replaced by the TLS layer; the returned future completes with the TLS transport once the
   * handshake is done, and {@code protocol} (which does not hear {@code connectionMade} again)
   * receives the decrypted data from then on. On failure the transport is closed and the future
   * fails with an {@link javax.net.ssl.SSLException}. Needs the {@code zloop.tls} module. Loop
   * thread.
   *
   * @param transport the connected transport to upgrade
   * @param protocol the protocol that receives the decrypted data
   * @param options the TLS options; a client needs {@link TlsOptions#serverHostName()} set
   *     ({@code ""} to skip the host name check)
   * @param side which end of the handshake this one plays
   * @return a future of the TLS transport, once the handshake is done
   */
  Future<Transport> startTls(
      Transport transport, BaseProtocol protocol, TlsOptions options, Side side);

  // ---- overloads without options: the defaults of each options type ----

  /**
   * {@link #createServer(Supplier, String, int, ServerOptions)} with {@link ServerOptions#DEFAULT}.
   *
   * @param protocolFactory makes a protocol per accepted connection
   * @param host the host to listen on ({@code null} or {@code ""}: all interfaces)
   * @param port the port (0: a free one)
   * @return a future of the server, listening
   */
  default Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory, String host, int port) {
    return createServer(protocolFactory, host, port, ServerOptions.DEFAULT);
  }

  /**
   * {@link #createServer(Supplier, List, int, ServerOptions)} with {@link ServerOptions#DEFAULT}.
   *
   * @param protocolFactory makes a protocol per accepted connection
   * @param hosts the hosts to listen on
   * @param port the port (0: a free one)
   * @return a future of the server, listening
   */
  default Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory, List<String> hosts, int port) {
    return createServer(protocolFactory, hosts, port, ServerOptions.DEFAULT);
  }

  /**
   * {@link #createServer(Supplier, NetSocket, ServerOptions)} with {@link ServerOptions#DEFAULT}.
   *
   * @param protocolFactory makes a protocol per accepted connection
   * @param socket a bound socket of this loop
   * @return a future of the server, listening
   */
  default Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory, NetSocket socket) {
    return createServer(protocolFactory, socket, ServerOptions.DEFAULT);
  }

  /**
   * {@link #createUnixServer(Supplier, UnixAddress, ServerOptions)} with {@link
   * ServerOptions#DEFAULT}.
   *
   * @param protocolFactory makes a protocol per accepted connection
   * @param address where to listen
   * @return a future of the server, listening
   */
  default Future<Server> createUnixServer(
      Supplier<? extends BaseProtocol> protocolFactory, UnixAddress address) {
    return createUnixServer(protocolFactory, address, ServerOptions.DEFAULT);
  }

  /**
   * {@link #createConnection(Supplier, String, int, ConnectOptions)} with {@link
   * ConnectOptions#DEFAULT}.
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the connection's protocol
   * @param host the host to connect to
   * @param port the port to connect to
   * @return a future of the connection
   */
  default <P extends BaseProtocol> Future<Connection<P>> createConnection(
      Supplier<P> protocolFactory, String host, int port) {
    return createConnection(protocolFactory, host, port, ConnectOptions.DEFAULT);
  }

  /**
   * {@link #createConnection(Supplier, NetSocket, ConnectOptions)} with {@link
   * ConnectOptions#DEFAULT}.
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the connection's protocol
   * @param socket a connected socket of this loop
   * @return a future of the connection
   */
  default <P extends BaseProtocol> Future<Connection<P>> createConnection(
      Supplier<P> protocolFactory, NetSocket socket) {
    return createConnection(protocolFactory, socket, ConnectOptions.DEFAULT);
  }

  /**
   * {@link #openConnection(String, int, StreamOptions)} with {@link StreamOptions#DEFAULT}.
   *
   * @param host the host to connect to
   * @param port the port to connect to
   * @return a future of the reader and writer
   */
  default Future<StreamPair> openConnection(String host, int port) {
    return openConnection(host, port, StreamOptions.DEFAULT);
  }

  /**
   * {@link #openConnection(NetSocket, StreamOptions)} with {@link StreamOptions#DEFAULT}.
   *
   * @param socket a connected socket of this loop
   * @return a future of the reader and writer
   */
  default Future<StreamPair> openConnection(NetSocket socket) {
    return openConnection(socket, StreamOptions.DEFAULT);
  }

  /**
   * {@link #openUnixConnection(UnixAddress, StreamOptions)} with {@link StreamOptions#DEFAULT}.
   *
   * @param address the server's address
   * @return a future of the reader and writer
   */
  default Future<StreamPair> openUnixConnection(UnixAddress address) {
    return openUnixConnection(address, StreamOptions.DEFAULT);
  }

  /**
   * {@link #startServer(ClientConnected, String, int, StreamOptions)} with {@link
   * StreamOptions#DEFAULT}.
   *
   * @param clientConnected runs as a task per client
   * @param host the host to listen on ({@code null} or {@code ""}: all interfaces)
   * @param port the port (0: a free one)
   * @return a future of the server, listening
   */
  default Future<Server> startServer(ClientConnected clientConnected, String host, int port) {
    return startServer(clientConnected, host, port, StreamOptions.DEFAULT);
  }

  /**
   * {@link #startServer(ClientConnected, NetSocket, StreamOptions)} with {@link
   * StreamOptions#DEFAULT}.
   *
   * @param clientConnected runs as a task per client
   * @param socket a bound socket of this loop
   * @return a future of the server, listening
   */
  default Future<Server> startServer(ClientConnected clientConnected, NetSocket socket) {
    return startServer(clientConnected, socket, StreamOptions.DEFAULT);
  }

  /**
   * {@link #startUnixServer(ClientConnected, UnixAddress, StreamOptions)} with {@link
   * StreamOptions#DEFAULT}.
   *
   * @param clientConnected runs as a task per client
   * @param address where to listen
   * @return a future of the server, listening
   */
  default Future<Server> startUnixServer(ClientConnected clientConnected, UnixAddress address) {
    return startUnixServer(clientConnected, address, StreamOptions.DEFAULT);
  }

  // ---- streams ----

  /**
   * {@link Streams#openConnection}: connects and completes with a reader and a writer. The
   * connection is made with {@link StreamOptions#connect()}.
   *
   * @param host the host to connect to
   * @param port the port to connect to
   * @param options the reader's limit and the connection's options
   * @return a future of the reader and writer
   */
  Future<StreamPair> openConnection(String host, int port, StreamOptions options);

  /**
   * {@link Streams#startServer}: a server running {@code clientConnected} as a task per client,
   * listening with {@link StreamOptions#server()}.
   *
   * @param clientConnected runs as a task per client
   * @param host the host to listen on ({@code null} or {@code ""}: all interfaces)
   * @param port the port (0: a free one)
   * @param options the readers' limit and the server's options
   * @return a future of the server, listening
   */
  Future<Server> startServer(
      ClientConnected clientConnected, String host, int port, StreamOptions options);

  /**
   * asyncio's {@code open_connection(sock=)}: a reader and a writer over a socket the caller
   * already connected; the rules of {@link #createConnection(Supplier, NetSocket, ConnectOptions)}
   * apply (TLS needs {@link TlsOptions#serverHostName()}).
   *
   * @param socket a connected socket of this loop
   * @param options the reader's limit and the connection's options (only TLS applies)
   * @return a future of the reader and writer
   */
  Future<StreamPair> openConnection(NetSocket socket, StreamOptions options);

  /**
   * asyncio's {@code start_server(sock=)}: {@link #startServer(ClientConnected, String, int,
   * StreamOptions)} on a socket the caller made; the rules of {@link #createServer(Supplier,
   * NetSocket, ServerOptions)} apply.
   *
   * @param clientConnected runs as a task per client
   * @param socket a bound socket of this loop
   * @param options the readers' limit and the server's options
   * @return a future of the server, listening
   */
  Future<Server> startServer(ClientConnected clientConnected, NetSocket socket, StreamOptions options);

  /**
   * {@link Streams#openUnixConnection}.
   *
   * @param address the server's address
   * @param options the reader's limit and the connection's options
   * @return a future of the reader and writer
   */
  Future<StreamPair> openUnixConnection(UnixAddress address, StreamOptions options);

  /**
   * {@link Streams#startUnixServer}.
   *
   * @param clientConnected runs as a task per client
   * @param address where to listen
   * @param options the readers' limit and the server's options
   * @return a future of the server, listening
   */
  Future<Server> startUnixServer(
      ClientConnected clientConnected, UnixAddress address, StreamOptions options);

  // ---- low-level sockets ----

  /**
   * A new non-blocking TCP socket of the family ({@code INET} or {@code INET6}).
   *
   * @param family the address family
   * @return the socket, owned by the caller
   * @throws IOException if the system refuses a socket
   */
  NetSocket openTcpSocket(StandardProtocolFamily family) throws IOException;

  /**
   * A new non-blocking Unix-domain stream socket.
   *
   * @return the socket, owned by the caller
   * @throws IOException if the system refuses a socket
   */
  NetSocket openUnixSocket() throws IOException;

  /**
   * Takes over a socket descriptor made outside zloop (by another library, inherited, received
   * over a Unix socket) in whatever state it is: unbound, bound, listening or connected. It must
   * be a stream socket (TCP over IPv4 or IPv6, or Unix); the loop makes it non-blocking and
   * close-on-exec, and owns it from then on: closing the returned socket (or the transport or
   * server it is given to) closes the descriptor, so the caller must not close it itself. Use the
   * result with {@link #sockRecv} and its kin, {@link #createConnection(Supplier, NetSocket,
   * ConnectOptions)}, {@link #createServer(Supplier, NetSocket, ServerOptions)} or {@link
   * #connectAcceptedSocket(Supplier, NetSocket, TlsOptions)}.
   *
   * @param fd the socket's descriptor
   * @return the socket, owned by the loop's object from now on
   * @throws IOException if the descriptor cannot be inspected or set up
   * @throws UnsupportedOperationException on a backend without file descriptors (nio)
   * @throws IllegalArgumentException if {@code fd} is not an open stream socket of those
   *     families, or a transport of this loop already owns it
   */
  NetSocket adoptSocket(int fd) throws IOException;

  /**
   * Receives up to {@code maxBytes} bytes (an empty buffer at end of stream).
   *
   * <p>The {@code sock*} methods take sockets of this loop only ({@link IllegalArgumentException}
   * "socket belongs to another loop", or "not a zloop socket" for any other {@link NetSocket}),
   * and not a socket a transport or a server owns ({@link IllegalStateException}: it would take
   * the owner's events).
   *
   * @param socket a connected socket of this loop
   * @param maxBytes the most bytes to receive
   * @return a future of the bytes received
   */
  Future<ByteBuffer> sockRecv(NetSocket socket, int maxBytes);

  /**
   * Receives into the buffer and completes with the count (0 at end of stream): asyncio's {@code
   * sock_recv_into}.
   *
   * @param socket a connected socket of this loop
   * @param buffer where the bytes go, from its position
   * @return a future of the count
   */
  Future<Integer> sockRecvInto(NetSocket socket, ByteBuffer buffer);

  /**
   * Sends all the bytes: asyncio's {@code sock_sendall}. The buffer is not touched after the
   * future completes.
   *
   * @param socket a connected socket of this loop
   * @param data the bytes between the buffer's position and limit
   * @return a future that completes once every byte is sent
   */
  Future<Void> sockSendAll(NetSocket socket, ByteBuffer data);

  /**
   * Connects the socket: asyncio's {@code sock_connect}.
   *
   * @param socket a socket of this loop
   * @param remote the address to connect to
   * @return a future that completes once connected
   */
  Future<Void> sockConnect(NetSocket socket, SocketAddress remote);

  /**
   * Accepts one connection on a listening socket: asyncio's {@code sock_accept}.
   *
   * @param listening a listening socket of this loop
   * @return a future of the accepted socket, owned by the caller
   */
  Future<NetSocket> sockAccept(NetSocket listening);

  // ---- datagrams ----

  /**
   * Opens a datagram endpoint: asyncio's {@code create_datagram_endpoint}. A UDP socket when the
   * addresses are {@link java.net.InetSocketAddress}es (IPv4 or IPv6, by the address; an
   * unresolved one is resolved first, and its first address is used), a Unix datagram socket when
   * they are {@link UnixAddress}es (a path or a Linux abstract name). {@code local} binds the
   * socket; {@code remote} connects it, so it receives only from that peer, {@link
   * DatagramTransport#send} needs no address, and ICMP errors for it reach {@link
   * DatagramProtocol#errorReceived}. The future completes after {@code connectionMade} ran.
   *
   * @param protocolFactory makes the endpoint's protocol
   * @param local the address to bind, or {@code null} (a UDP socket then gets an ephemeral port
   *     when it sends or connects; a Unix socket stays unnamed)
   * @param remote the peer to connect to, or {@code null}
   * @param options reuse port, broadcast and the family when neither address gives it ({@code
   *     null}: {@link DatagramOptions#DEFAULT})
   * @param <P> the protocol type
   * @return the endpoint; fails with the bind's or connect's {@link IOException} ({@link
   *     java.net.BindException} when the address is in use)
   * @throws IllegalArgumentException if neither address nor {@link DatagramOptions#family()} says
   *     which family, the two addresses are of different kinds, or the backend has no datagram
   *     socket of that family (nio: no Unix datagrams)
   */
  <P extends DatagramProtocol> Future<DatagramEndpoint<P>> createDatagramEndpoint(
      Supplier<P> protocolFactory,
      SocketAddress local,
      SocketAddress remote,
      DatagramOptions options);

  /**
   * asyncio's {@code create_datagram_endpoint(sock=)}: serves a datagram socket the caller made
   * ({@link #openDatagramSocket}, then bound or connected as wanted, options set). The transport
   * owns the socket from this call on: the caller's {@link NetSocket#close()} and {@code bind}
   * throw {@link IllegalStateException}, and the socket cannot be used with {@link #sockRecvFrom}
   * and its kin any more; closing the transport closes it. A socket connected before (with {@link
   * #sockConnect}) makes a connected endpoint. There are no addresses or options to give, as
   * asyncio refuses them together with {@code sock}.
   *
   * @param <P> the protocol type
   * @param protocolFactory makes the endpoint's protocol
   * @param socket an open datagram socket of this loop
   * @return the endpoint, after {@code connectionMade} ran
   * @throws IllegalArgumentException if {@code socket} is not an open datagram socket of this loop
   * @throws IllegalStateException if a transport owns it already, or a {@link #sockRecvFrom} or
   *     {@link #sockSendTo} waits on it
   */
  <P extends DatagramProtocol> Future<DatagramEndpoint<P>> createDatagramEndpoint(
      Supplier<P> protocolFactory, NetSocket socket);

  /**
   * A new non-blocking datagram socket, for {@link #sockRecvFrom} and its kin.
   *
   * @param family {@code INET} or {@code INET6} (UDP), or {@code UNIX} (Unix datagrams)
   * @return the socket, unbound
   * @throws IOException if the kernel refuses
   * @throws UnsupportedOperationException if the backend has no datagram sockets of that family
   */
  NetSocket openDatagramSocket(StandardProtocolFamily family) throws IOException;

  /**
   * Receives one datagram of at most {@code maxBytes} (the rest of a longer one is lost, as with
   * {@code recvfrom}): asyncio's {@code sock_recvfrom}.
   *
   * @param socket a datagram socket of this loop ({@link #openDatagramSocket})
   * @param maxBytes the most bytes to keep
   * @return the datagram and its sender; an ICMP error queued for a connected socket fails it
   *     ({@link java.net.PortUnreachableException})
   * @throws IllegalArgumentException if {@code socket} is not a datagram socket of this loop, or
   *     {@code maxBytes} is negative
   */
  Future<ReceivedDatagram> sockRecvFrom(NetSocket socket, int maxBytes);

  /**
   * Receives one datagram into the buffer from its position (the rest of a longer one is lost):
   * asyncio's {@code sock_recvfrom_into}. The buffer's position moves past the bytes received.
   *
   * @param socket a datagram socket of this loop
   * @param buffer where the bytes go
   * @return the datagram (a slice of {@code buffer}) and its sender
   * @throws IllegalArgumentException if {@code socket} is not a datagram socket of this loop, or
   *     the buffer is read-only
   */
  Future<ReceivedDatagram> sockRecvFromInto(NetSocket socket, ByteBuffer buffer);

  /**
   * Sends one datagram: asyncio's {@code sock_sendto}. Waits while the socket's send buffer is
   * full; the buffer is not touched after the future completes.
   *
   * @param socket a datagram socket of this loop
   * @param data the datagram, from position to limit
   * @param address where to, or {@code null} on a connected socket
   * @return the number of bytes sent
   * @throws IllegalArgumentException if {@code socket} is not a datagram socket of this loop
   */
  Future<Integer> sockSendTo(NetSocket socket, ByteBuffer data, SocketAddress address);

  // ---- file descriptor watchers (POSIX backends) ----

  /**
   * Calls {@code callback} whenever {@code fd} is readable, until {@link #removeReader}. Replaces a
   * reader already set for the fd. Loop thread.
   *
   * <p>This method and the three below refuse a descriptor that a transport of this loop owns and
   * is not closing, on every backend (asyncio's rule): watching it, or removing a watch from it,
   * would fight the transport over its descriptor.
   *
   * @param fd the descriptor to watch
   * @param callback called on the loop thread while it is readable
   * @throws IllegalStateException if a transport of this loop owns {@code fd} ("File descriptor N
   *     is used by transport ...")
   * @throws UnsupportedOperationException on a backend without file descriptors (nio)
   */
  void addReader(int fd, Runnable callback);

  /**
   * Stops watching {@code fd} for reading.
   *
   * @param fd the descriptor
   * @return whether it was watched
   * @throws IllegalStateException if a transport of this loop owns {@code fd}
   */
  boolean removeReader(int fd);

  /**
   * As {@link #addReader}, for writability.
   *
   * @param fd the descriptor to watch
   * @param callback called on the loop thread while it is writable
   * @throws IllegalStateException if a transport of this loop owns {@code fd}
   */
  void addWriter(int fd, Runnable callback);

  /**
   * Stops watching {@code fd} for writing.
   *
   * @param fd the descriptor
   * @return whether it was watched
   * @throws IllegalStateException if a transport of this loop owns {@code fd}
   */
  boolean removeWriter(int fd);

  // ---- child processes and pipes ----

  /**
   * Starts {@code argv} as a child process: asyncio's {@code loop.subprocess_exec}. Each standard
   * descriptor is a pipe, {@code /dev/null}, the JVM's own, or (stderr) a copy of stdout, as {@code
   * options} say; the child inherits no other descriptor. The program is looked up in the {@code
   * PATH} of the child's environment unless it holds a {@code '/'}.
   *
   * <p>On the native backends the child is started with {@code posix_spawn}, its pipes are loop
   * transports (non-blocking, flow control as sockets) and its exit is noticed through a pidfd the
   * loop watches, with no thread per child. On nio it is the JDK's {@link ProcessBuilder}, with a
   * thread per pipe and the JDK's reaper thread.
   *
   * @param <P> the protocol's type
   * @param protocolFactory makes the child's protocol
   * @param argv the program and its arguments (non-empty; no NUL characters)
   * @param options descriptors, directory and environment ({@link SubprocessOptions#DEFAULT}: all
   *     piped)
   * @return a future of the transport and protocol, done once {@code connectionMade} ran; failed
   *     with {@link java.io.FileNotFoundException} for a program not found, {@link IOException}
   *     for one that cannot be run
   * @throws IllegalArgumentException for an empty {@code argv} or a NUL character in it
   * @throws EventLoopClosedException if the loop is closed
   */
  <P extends SubprocessProtocol> Future<SubprocessConnection<P>> subprocessExec(
      Supplier<P> protocolFactory, List<String> argv, SubprocessOptions options);

  /**
   * Runs {@code command} with {@code /bin/sh -c}: asyncio's {@code loop.subprocess_shell}. As
   * {@link #subprocessExec} otherwise.
   *
   * @param <P> the protocol's type
   * @param protocolFactory makes the child's protocol
   * @param command the shell command (non-empty)
   * @param options descriptors, directory and environment
   * @return a future of the transport and protocol
   * @throws IllegalArgumentException for an empty command
   * @throws EventLoopClosedException if the loop is closed
   */
  <P extends SubprocessProtocol> Future<SubprocessConnection<P>> subprocessShell(
      Supplier<P> protocolFactory, String command, SubprocessOptions options);

  /**
   * Starts {@code argv} with streams: asyncio's {@code asyncio.create_subprocess_exec}.
   *
   * @param argv the program and its arguments
   * @param options descriptors, directory, environment and the readers' buffer limit
   * @return a future of the process
   * @throws IllegalArgumentException for an empty {@code argv}
   * @throws EventLoopClosedException if the loop is closed
   */
  Future<Subprocess> createSubprocessExec(List<String> argv, SubprocessOptions options);

  /**
   * Runs {@code command} with {@code /bin/sh -c}, with streams: asyncio's {@code
   * asyncio.create_subprocess_shell}.
   *
   * @param command the shell command
   * @param options descriptors, directory, environment and the readers' buffer limit
   * @return a future of the process
   * @throws IllegalArgumentException for an empty command
   * @throws EventLoopClosedException if the loop is closed
   */
  Future<Subprocess> createSubprocessShell(String command, SubprocessOptions options);

  /**
   * Makes a read transport of the read end of a pipe (or FIFO, or terminal) {@code fd}: asyncio's
   * {@code connect_read_pipe}. The transport takes the descriptor over (makes it non-blocking;
   * closes it when it closes). At the end of the pipe the protocol's {@code eofReceived} is called,
   * then the transport closes.
   *
   * @param <P> the protocol's type
   * @param protocolFactory makes the protocol
   * @param fd the descriptor, open for reading
   * @return a future of the transport and protocol, done once {@code connectionMade} ran
   * @throws UnsupportedOperationException on the nio backend, which cannot wrap a descriptor
   * @throws EventLoopClosedException if the loop is closed
   */
  <P extends BaseProtocol> Future<Connection<P>> connectReadPipe(Supplier<P> protocolFactory, int fd);

  /**
   * Makes a write transport of the write end of a pipe {@code fd}: asyncio's {@code
   * connect_write_pipe}. Writes are buffered and flow-controlled as on a socket; a reader that
   * goes away ends the transport with a broken pipe even while nothing is written; {@code
   * writeEof} closes it.
   *
   * @param <P> the protocol's type
   * @param protocolFactory makes the protocol
   * @param fd the descriptor, open for writing
   * @return a future of the transport and protocol
   * @throws UnsupportedOperationException on the nio backend, which cannot wrap a descriptor
   * @throws EventLoopClosedException if the loop is closed
   */
  <P extends BaseProtocol> Future<Connection<P>> connectWritePipe(Supplier<P> protocolFactory, int fd);

  // ---- errors and debugging ----

  /**
   * Replaces the exception handler; {@code null} restores the default.
   *
   * @param handler the new handler, or {@code null}
   */
  void setExceptionHandler(ExceptionHandler handler);

  /**
   * The handler set with {@link #setExceptionHandler}.
   *
   * @return the handler, or {@code null} for the default
   */
  ExceptionHandler getExceptionHandler();

  /**
   * The default handler: logs the context through {@link System.Logger}.
   *
   * @param context what went wrong
   */
  void defaultExceptionHandler(ExceptionContext context);

  /**
   * Passes the context to the current exception handler.
   *
   * @param context what went wrong
   */
  void callExceptionHandler(ExceptionContext context);

  /**
   * Debug mode: callbacks and I/O events slower than {@link #slowCallbackDuration()} are reported
   * (see "Debug mode" above).
   *
   * @param enabled whether debug mode is on
   */
  void setDebug(boolean enabled);

  /**
   * Whether debug mode is on.
   *
   * @return the flag
   */
  boolean getDebug();

  /**
   * The duration above which a callback is reported as slow in debug mode (default 100 ms).
   *
   * @return the threshold
   */
  Duration slowCallbackDuration();

  /**
   * Sets the slow-callback threshold.
   *
   * @param threshold the new threshold
   */
  void setSlowCallbackDuration(Duration threshold);

  // ---- signals ----

  /**
   * Runs {@code callback} on this loop's thread each time the process receives the signal:
   * asyncio's {@code add_signal_handler}. A signal that arrives while the loop waits for I/O wakes
   * it. Adding a handler again for the same signal replaces the callback. A callback that throws
   * goes to the exception handler, as any callback does. Loop thread.
   *
   * <p>zloop takes the signal from the JVM ({@code sun.misc.Signal}, module {@code
   * jdk.unsupported}); the JVM's signal thread hands it to the loop through {@link
   * #callSoonThreadSafe}, so signals that arrive close together may run the callback once per
   * signal or fewer times (the kernel coalesces pending signals). One loop handles a signal at a
   * time, JVM-wide: adding a handler for a signal another loop handles is refused (there is one
   * process, and no loop is "the main thread's" in Java). {@link #removeSignalHandler} or {@link
   * #close()} gives the signal back to the handler it replaced (for SIGINT, SIGTERM and SIGHUP the
   * JVM's own, which runs the shutdown hooks and exits).
   *
   * <p>Refused, with the reason in the message: SIGKILL and SIGSTOP (cannot be caught); SIGSEGV,
   * SIGBUS, SIGFPE, SIGILL, SIGQUIT and SIGUSR2 (the JVM uses them); SIGINT, SIGTERM and SIGHUP when
   * the JVM runs with {@code -Xrs}, or when the process ignores them (started under {@code
   * nohup}).
   *
   * @param signal the signal's name, with or without the {@code SIG} prefix ({@code "USR1"},
   *     {@code "SIGTERM"})
   * @param callback what to run on the loop thread for each delivery
   * @throws IllegalArgumentException if the name is unknown, or the signal cannot have a handler
   * @throws IllegalStateException if another loop handles the signal, or called off the loop
   *     thread while the loop runs
   * @throws EventLoopClosedException if the loop is closed
   */
  void addSignalHandler(String signal, Runnable callback);

  /**
   * Removes this loop's handler for the signal and gives the signal back to the handler it
   * replaced: asyncio's {@code remove_signal_handler}. Loop thread.
   *
   * @param signal the signal's name, with or without the {@code SIG} prefix
   * @return whether this loop had a handler for the signal
   * @throws IllegalArgumentException if the name is unknown
   */
  boolean removeSignalHandler(String signal);

  // ---- observability ----

  /**
   * What the loop has done so far: turns, callbacks run, I/O events, the ready queue's depth, and
   * the time spent waiting, in I/O events and in callbacks. Safe from any thread, and never slows
   * the loop: the loop publishes plain counters at the end of each turn, without a lock. For
   * events per callback or per turn, record the {@code zloop.*} JFR events (see {@link LoopStats}
   * and the README).
   *
   * @return a snapshot of the loop's counters as of a recent turn
   */
  LoopStats stats();

  /**
   * Builds tasks for {@link #createTask}: asyncio's task factory. A factory usually decorates the
   * body or the name and delegates to {@code defaults}, the loop's own factory.
   */
  interface TaskFactory {
    /**
     * Creates and starts a task for the body.
     *
     * @param <T> the result type
     * @param body the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @param defaults the loop's own factory, to delegate to
     * @return the started task
     */
    <T> Task<T> create(Callable<T> body, String name, TaskFactory defaults);
  }
}
