package zloop.engine;

import zloop.Side;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import zloop.AsCompleted;
import zloop.BaseProtocol;
import zloop.ClientConnected;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.DatagramEndpoint;
import zloop.DatagramOptions;
import zloop.DatagramProtocol;
import zloop.EventLoop;
import zloop.EventLoopClosedException;
import zloop.ExceptionContext;
import zloop.ExceptionHandler;
import zloop.Future;
import zloop.Handle;
import zloop.NetSocket;
import zloop.ReturnWhen;
import zloop.ReceivedDatagram;
import zloop.Server;
import zloop.ServerOptions;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.Task;
import zloop.TaskGroup;
import zloop.Timeout;
import zloop.TimerHandle;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.UnixAddress;
import zloop.WaitResult;
import zloop.engine.net.ChunkPool;
import zloop.engine.net.FdWatchers;
import zloop.engine.net.Datagrams;
import zloop.engine.net.Networking;
import zloop.engine.net.Resolver;
import zloop.engine.net.SocketOps;
import zloop.engine.net.TransportsByFd;
import zloop.engine.signal.SignalRegistry;
import zloop.engine.spi.Backend;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.SocketKind;
import zloop.engine.stream.Streams;
import zloop.engine.task.Combinators;
import zloop.engine.task.LoopExecutors;
import zloop.engine.task.LoopFuture;
import zloop.engine.task.LoopTask;
import zloop.engine.task.TaskCoordination;

/**
 * The event loop. Each turn ({@link #runOnce()}) has a fixed phase order:
 *
 * <ol>
 *   <li>move what other threads queued from the inbox to the ready queue;
 *   <li>decide whether this turn polls the backend: always when the ready queue is empty (the
 *       loop may wait) or the loop is stopping; while it stays non-empty (a <em>busy</em> loop),
 *       only once {@link #POLL_INTERVAL_CALLBACKS} callbacks have run since the last poll;
 *   <li>if it polls: compute how long the backend may block (zero if callbacks are ready or the
 *       loop is stopping, up to the earliest timer otherwise, no limit if there is nothing at
 *       all), poll the backend, which dispatches I/O, and drain the inbox again;
 *   <li>move due timers to the ready queue;
 *   <li>run a snapshot of the ready queue: callbacks scheduled meanwhile wait for the next turn.
 * </ol>
 *
 * <p>The poll interval is a deliberate deviation from asyncio, whose every turn polls the selector
 * (with a zero timeout while callbacks are ready): a chain of callbacks that never lets the queue
 * drain would otherwise pay one system call per hop. What stays as in asyncio: callbacks scheduled
 * during a turn run on the next one, FIFO; due timers join the ready queue every turn, polled or
 * not; other threads' callbacks are taken from the inbox every turn (no system call: an awake loop
 * needs no wake-up). I/O readiness, and what a backend does only when polled (io_uring submitting
 * its queued operations, deferred failures), waits at most until {@link #POLL_INTERVAL_CALLBACKS}
 * callbacks have run, or to the end of a turn that ran more than that (asyncio's own bound: one
 * turn's callbacks). The bound counts callbacks, not time, so the busy loop reads no clock either;
 * a callback's own duration is not bounded, in asyncio neither. A loop that stops after busy turns
 * polls once more without waiting before {@code runForever} returns, so what they queued in the
 * backend reaches the kernel.
 *
 * <p>Every callback and every I/O event runs under one {@link CallbackGuard}: the backends reach it
 * through {@link LoopContext#dispatch}.
 */
public final class Loop implements EventLoop {
  /** The loop running on this thread (the loop thread, or a task's virtual thread). */
  public static final ScopedValue<Loop> RUNNING = ScopedValue.newInstance();

  /** Bounds the inbox drain per turn so a flood from other threads cannot starve I/O. */
  private static final int INBOX_DRAIN_LIMIT = 1 << 16;

  /**
   * While the ready queue stays non-empty, the backend is polled (without blocking) once at least
   * this many callbacks have run since the last poll; see the class comment. Netty checks its
   * clock every 64 tasks for the same purpose.
   */
  static final int POLL_INTERVAL_CALLBACKS = 64;

  private final String backendName;
  private final Backend backend;
  private final Clock clock;
  private final ReadyQueue ready = new ReadyQueue();
  private final TimerHeap timers = new TimerHeap();
  private final Inbox inbox = new Inbox();
  private final CoalescedWakeup wakeup;
  private final Set<LoopTask<?>> tasks = new LinkedHashSet<>();
  private final ErrorReporter errors = new ErrorReporter(this);
  private final TransportsByFd transports = new TransportsByFd();
  private final CallbackGuard guard;
  private final LoopExecutors executors = new LoopExecutors(this);
  private final Networking net = new Networking(this);
  private final ChunkPool chunks = new ChunkPool();
  private final SocketOps sockOps = new SocketOps(this);
  private final Datagrams datagrams = new Datagrams(this);
  private final Streams streams = new Streams(this);
  private final FdWatchers fdWatchers;
  private final LoopMeter meter;
  /** Ready callbacks run since the backend was last polled: the busy loop's poll interval. */
  private int callbacksSincePoll;

  /** The thread that runs (or last ran, or set up) the loop. */
  private volatile Thread ownerThread = Thread.currentThread();
  /** The task whose continuation is running on the loop thread right now. */
  private LoopTask<?> mountedTask;
  private Thread mountedThread;

  private volatile boolean running;
  private volatile boolean stopping;
  private volatile boolean closed;
  private TaskFactory taskFactory;

  Loop(String backendName, BackendOpener opener, Clock clock) throws IOException {
    this.backendName = backendName;
    this.clock = clock;
    this.meter = new LoopMeter(backendName);
    this.guard = new CallbackGuard(errors, clock, transports, meter);
    this.backend = opener.open(new Context());
    this.wakeup = new CoalescedWakeup(backend);
    this.fdWatchers = new FdWatchers(this, backend, transports);
  }

  /** Opens the backend for this loop; the context is the loop's view for the backend. */
  @FunctionalInterface
  interface BackendOpener {
    Backend open(LoopContext context) throws IOException;
  }

  /**
   * The loop running on the current thread, or {@code null}. The binding is checked against the
   * thread: a {@code StructuredTaskScope} subtask inherits it but runs elsewhere.
   */
  public static Loop currentlyRunning() {
    if (!RUNNING.isBound()) {
      return null;
    }
    Loop loop = RUNNING.get();
    if (Thread.currentThread() == loop.ownerThread) {
      return loop;
    }
    LoopTask<?> task = LoopTask.current();
    return task != null && task.loop == loop ? loop : null;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void runForever() {
    checkClosed();
    if (running) {
      throw new IllegalStateException("This event loop is already running");
    }
    if (currentlyRunning() != null) {
      throw new IllegalStateException("Cannot run the event loop while another loop is running");
    }
    ownerThread = Thread.currentThread();
    running = true;
    try {
      ScopedValue.where(RUNNING, this).run(this::turns);
    } finally {
      meter.flush();
      stopping = false;
      running = false;
    }
  }

  private void turns() {
    while (true) {
      runOnce();
      if (stopping) {
        pollIfSkipped();
        break;
      }
    }
  }

  /**
   * A loop that stops after busy turns polls once more, without waiting, before it returns: what
   * those turns queued in the backend (io_uring submits only when polled: a close, a send)
   * reaches the kernel, as it did when every turn polled. I/O callbacks it dispatches run now; the
   * callbacks they schedule wait for the next run.
   */
  private void pollIfSkipped() {
    if (callbacksSincePoll == 0) {
      return;
    }
    meter.beforePoll();
    pollBackend(0);
    meter.afterPoll();
    callbacksSincePoll = 0;
  }

  /** One turn of the loop; see the class comment for the phases. */
  void runOnce() {
    inbox.drainTo(ready, INBOX_DRAIN_LIMIT);
    boolean polls =
        ready.isEmpty()
            || stopping
            || callbacksSincePoll >= POLL_INTERVAL_CALLBACKS
            || backend.hasQueuedSubmissions();
    if (polls) {
      timers.compactIfMostlyCancelled();
      meter.beforePoll();
      pollBackend(waitBudget());
      meter.afterPoll();
      callbacksSincePoll = 0;
      inbox.drainTo(ready, INBOX_DRAIN_LIMIT);
    } else {
      meter.beginBusyTurn();
    }
    moveDueTimers();
    int ran = runReadySnapshot();
    callbacksSincePoll += ran;
    if (polls) {
      meter.afterTurn(ran, ready.size());
    } else {
      meter.afterBusyTurn(ran, ready.size());
    }
  }

  private long waitBudget() {
    if (!ready.isEmpty() || stopping) {
      return 0;
    }
    LoopTimer next = timers.peekLive();
    if (next == null) {
      return -1;
    }
    return Math.max(0, next.when - clock.nanoTime());
  }

  private void pollBackend(long timeoutNanos) {
    boolean mayBlock = timeoutNanos != 0;
    if (mayBlock) {
      wakeup.beforeWait();
      if (!inbox.isEmpty() || stopping) {
        timeoutNanos = 0; // work arrived between the budget and the wait
      }
    }
    try {
      backend.poll(timeoutNanos);
    } catch (IOException e) {
      throw new UncheckedIOException("the " + backendName + " backend failed", e);
    } finally {
      if (mayBlock) {
        wakeup.afterWait();
      }
    }
  }

  private void moveDueTimers() {
    if (timers.size() == 0) {
      return;
    }
    long now = clock.nanoTime();
    LoopTimer due;
    while ((due = timers.pollDue(now)) != null) {
      ready.add(due);
    }
  }

  private int runReadySnapshot() {
    int n = ready.size();
    for (int i = 0; i < n; i++) {
      guard.run(ready.poll());
    }
    return n;
  }

  /** Runs a task's continuation on this thread, marking the task as the one in the loop. */
  public void runMounted(LoopTask<?> task, Runnable continuation) {
    LoopTask<?> outerTask = mountedTask;
    Thread outerThread = mountedThread;
    mountedTask = task;
    mountedThread = task.thread;
    try {
      continuation.run();
    } finally {
      mountedTask = outerTask;
      mountedThread = outerThread;
    }
  }

  @Override
  public <T> T runUntilComplete(Future<T> future) {
    checkClosed();
    if (!(future instanceof LoopFuture<T> lf) || lf.loop != this) {
      throw new IllegalArgumentException("the future belongs to another loop: " + future);
    }
    Consumer<Future<T>> stopWhenDone = f -> stop();
    future.addDoneCallback(stopWhenDone);
    try {
      runForever();
    } finally {
      if (!closed) {
        future.removeDoneCallback(stopWhenDone);
      }
    }
    if (!future.isDone()) {
      throw new IllegalStateException("Event loop stopped before Future completed.");
    }
    return lf.report();
  }

  @Override
  public void stop() {
    stopping = true;
    wakeup.poke();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (running) {
      throw new IllegalStateException("Cannot close a running event loop");
    }
    if (closed) {
      return;
    }
    unwindTasks();
    closed = true;
    SignalRegistry.removeAll(this); // gives each signal back to the handler it replaced
    ready.clear();
    timers.clear();
    while (inbox.poll() != null) {
      // dropped: the loop will never run them
    }
    executors.shutdownNow();
    backend.close();
  }

  /**
   * Cancels every task still pending and runs the loop until each has finished: their {@code
   * finally} blocks run, their joiners wake, nothing they hold outlives the loop. asyncio.run's
   * rule ({@code _cancel_all_tasks}), applied by close() itself. A loop whose tasks are
   * continuations must run on a platform thread that runs no other loop; from anywhere else
   * (a task of another loop, a callback of another loop) the unwinding runs on a helper thread.
   */
  private void unwindTasks() {
    if (tasks.isEmpty()) {
      return;
    }
    if (!Thread.currentThread().isVirtual() && currentlyRunning() == null) {
      cancelAndDrainTasks();
      return;
    }
    Throwable[] failure = {null};
    Thread helper =
        Thread.ofPlatform()
            .name("zloop-close")
            .start(
                () -> {
                  try {
                    cancelAndDrainTasks();
                  } catch (Throwable t) {
                    failure[0] = t;
                  }
                });
    boolean interrupted = false;
    while (true) {
      try {
        helper.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // close() must finish: the interrupt is kept for the caller
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] instanceof RuntimeException re) {
      throw re;
    }
    if (failure[0] instanceof Error e) {
      throw e;
    }
  }

  /** Runs turns until no task is left, cancelling each task once, including ones born now. */
  private void cancelAndDrainTasks() {
    ownerThread = Thread.currentThread(); // not running: this thread becomes the loop's
    running = true;
    try {
      ScopedValue.where(RUNNING, this)
          .run(
              () -> {
                Set<LoopTask<?>> cancelled = new java.util.HashSet<>();
                while (!tasks.isEmpty()) {
                  for (LoopTask<?> task : new java.util.ArrayList<>(tasks)) {
                    if (cancelled.add(task)) {
                      task.cancel();
                    }
                  }
                  stopping = false; // stop() from an unwinding task must not turn this into a spin
                  runOnce();
                }
              });
    } finally {
      meter.flush();
      stopping = false;
      running = false;
    }
  }

  @Override
  public String backendName() {
    return backendName;
  }

  // ---------------------------------------------------------------- scheduling

  @Override
  public Handle callSoon(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkOpenOnLoopThread();
    LoopHandle h = new LoopHandle(callback);
    ready.add(h);
    return h;
  }

  @Override
  public void execute(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkClosed();
    if (inLoopThread()) {
      ready.add(callback); // the runnable itself is the queue entry: nothing allocated
      return;
    }
    inbox.push(new ThreadSafeHandle(callback));
    wakeup.poke();
  }

  /** Queues an engine-internal callback (no user handle, no checks). Loop thread. */
  public void scheduleInternal(Callback c) {
    ready.add(c);
  }

  @Override
  public Handle callSoonThreadSafe(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkClosed();
    ThreadSafeHandle h = new ThreadSafeHandle(callback);
    inbox.push(h);
    wakeup.poke();
    return h;
  }

  @Override
  public TimerHandle callLater(Duration delay, Runnable callback) {
    // A negative delay keeps its deadline in the past, as asyncio's call_later does: -2 s runs
    // before -1 s. saturatedNanos bounds it so the deadline arithmetic cannot wrap.
    return callAt(clock.nanoTime() + saturatedNanos(delay), callback);
  }

  @Override
  public TimerHandle callAt(long deadlineNanos, Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkOpenOnLoopThread();
    return timers.schedule(deadlineNanos, callback);
  }

  /** ~73 years: deadlines stay within 2^63 of each other, so {@code a - b < 0} orders them. */
  private static final long FAR_NANOS = Long.MAX_VALUE / 4;

  /** The delay in nanoseconds, bounded to {@link #FAR_NANOS} either way so deadlines never wrap. */
  public static long saturatedNanos(Duration d) {
    Objects.requireNonNull(d, "delay");
    try {
      long nanos = d.toNanos();
      return Math.clamp(nanos, -FAR_NANOS, FAR_NANOS);
    } catch (ArithmeticException e) {
      return d.isNegative() ? -FAR_NANOS : FAR_NANOS;
    }
  }

  @Override
  public long time() {
    return clock.nanoTime();
  }

  // ---------------------------------------------------------------- futures and tasks

  @Override
  public <T> Future<T> createFuture() {
    return new LoopFuture<>(this);
  }

  @Override
  public <T> Task<T> createTask(Callable<T> body, String name) {
    Objects.requireNonNull(body, "body");
    checkOpenOnLoopThread();
    TaskFactory f = taskFactory;
    if (f != null) {
      return f.create(body, name, defaultTaskFactory());
    }
    return newTask(body, name);
  }

  private <T> Task<T> newTask(Callable<T> body, String name) {
    LoopTask<T> task = new LoopTask<>(this, body, name);
    tasks.add(task);
    task.start();
    return task;
  }

  private TaskFactory defaultTaskFactory() {
    return new TaskFactory() {
      @Override
      public <T> Task<T> create(Callable<T> body, String name, TaskFactory defaults) {
        return newTask(body, name);
      }
    };
  }

  public void taskDone(LoopTask<?> task) {
    tasks.remove(task);
  }

  @Override
  public void setTaskFactory(TaskFactory factory) {
    taskFactory = factory;
  }

  @Override
  public TaskFactory getTaskFactory() {
    return taskFactory;
  }

  @Override
  public Set<Task<?>> allTasks() {
    return Collections.unmodifiableSet(new LinkedHashSet<Task<?>>(tasks));
  }

  /** The task running on the loop right now, or {@code null}. */
  Task<?> currentTask() {
    return inLoopThread() ? mountedTask : null;
  }

  @Override
  public <T> Future<T> sleep(Duration delay, T value) {
    return Combinators.sleep(this, delay, value);
  }

  @Override
  public <T> Future<List<T>> gather(List<? extends Future<? extends T>> futures) {
    return Combinators.gather(this, futures);
  }

  @Override
  public Future<List<Object>> gather(List<? extends Future<?>> futures, boolean returnExceptions) {
    return Combinators.gather(this, futures, returnExceptions);
  }

  @Override
  public <T> Future<T> waitFor(Future<T> future, Duration timeout) {
    return Combinators.waitFor(this, future, timeout);
  }

  @Override
  public <T> T withTimeout(Duration timeout, Callable<T> body) throws Exception {
    return Combinators.withTimeout(this, timeout, body);
  }

  @Override
  public <T> Future<T> wrap(CompletionStage<T> stage) {
    return Combinators.wrap(this, stage);
  }

  // ---- task coordination: task groups, wait, asCompleted, shield, timeout scopes ----

  @Override
  public TaskGroup taskGroup() {
    return TaskCoordination.taskGroup(this);
  }

  @Override
  public <T> T withTaskGroup(TaskGroup.Body<T> body) {
    return TaskCoordination.withTaskGroup(this, body);
  }

  @Override
  public <F extends Future<?>> Future<WaitResult<F>> wait(
      Collection<? extends F> futures, ReturnWhen returnWhen) {
    return TaskCoordination.wait(this, futures, returnWhen, null);
  }

  @Override
  public <F extends Future<?>> Future<WaitResult<F>> wait(
      Collection<? extends F> futures, ReturnWhen returnWhen, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return TaskCoordination.wait(this, futures, returnWhen, timeout);
  }

  @Override
  public <F extends Future<?>> AsCompleted<F> asCompleted(Collection<? extends F> futures) {
    return TaskCoordination.asCompleted(this, futures, null);
  }

  @Override
  public <F extends Future<?>> AsCompleted<F> asCompleted(
      Collection<? extends F> futures, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return TaskCoordination.asCompleted(this, futures, timeout);
  }

  @Override
  public <T> Future<T> shield(Future<T> future) {
    return TaskCoordination.shield(this, future);
  }

  @Override
  public Timeout timeout(Duration delay) {
    return TaskCoordination.timeout(this, delay);
  }

  @Override
  public Timeout timeoutAt(long deadlineNanos) {
    return TaskCoordination.timeoutAt(this, deadlineNanos);
  }

  @Override
  public Timeout timeoutNever() {
    return TaskCoordination.timeoutNever(this);
  }

  // ---------------------------------------------------------------- executors

  @Override
  public <T> Future<T> runInExecutor(Executor executor, Callable<T> body) {
    checkClosed();
    return executors.run(executor, body);
  }

  @Override
  public void setDefaultExecutor(Executor executor) {
    executors.setDefault(executor);
  }

  @Override
  public Future<Void> shutdownDefaultExecutor() {
    return executors.shutdownDefault();
  }

  // ---------------------------------------------------------------- synchronization primitives

  @Override
  public zloop.sync.Lock createLock() {
    return zloop.engine.sync.Primitives.lock(this);
  }

  @Override
  public zloop.sync.Event createEvent() {
    return zloop.engine.sync.Primitives.event(this);
  }

  @Override
  public zloop.sync.Condition createCondition() {
    return zloop.engine.sync.Primitives.condition(this, createLock());
  }

  @Override
  public zloop.sync.Condition createCondition(zloop.sync.Lock lock) {
    return zloop.engine.sync.Primitives.condition(this, lock);
  }

  @Override
  public zloop.sync.Semaphore createSemaphore(int permits) {
    return zloop.engine.sync.Primitives.semaphore(this, permits);
  }

  @Override
  public zloop.sync.BoundedSemaphore createBoundedSemaphore(int permits) {
    return zloop.engine.sync.Primitives.boundedSemaphore(this, permits);
  }

  @Override
  public zloop.sync.Barrier createBarrier(int parties) {
    return zloop.engine.sync.Primitives.barrier(this, parties);
  }

  @Override
  public <T> zloop.sync.Queue<T> createQueue(int maxsize) {
    return zloop.engine.sync.Primitives.fifoQueue(this, maxsize);
  }

  @Override
  public <T> zloop.sync.Queue<T> createLifoQueue(int maxsize) {
    return zloop.engine.sync.Primitives.lifoQueue(this, maxsize);
  }

  @Override
  public <T> zloop.sync.Queue<T> createPriorityQueue(
      int maxsize, java.util.Comparator<? super T> order) {
    return zloop.engine.sync.Primitives.priorityQueue(this, maxsize, order);
  }

  // ---------------------------------------------------------------- networking

  @Override
  public Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory, String host, int port, ServerOptions options) {
    return createServer(protocolFactory, java.util.Collections.singletonList(host), port, options);
  }

  @Override
  public Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory,
      List<String> hosts,
      int port,
      ServerOptions options) {
    checkOpenOnLoopThread();
    return net.createServer(protocolFactory, hosts, port, options);
  }

  @Override
  public <P extends BaseProtocol> Future<Connection<P>> createConnection(
      Supplier<P> protocolFactory, String host, int port, ConnectOptions options) {
    checkOpenOnLoopThread();
    return net.createConnection(protocolFactory, host, port, options);
  }

  @Override
  public Future<Server> createServer(
      Supplier<? extends BaseProtocol> protocolFactory, NetSocket socket, ServerOptions options) {
    checkOpenOnLoopThread();
    return net.createServer(protocolFactory, socket, options);
  }

  @Override
  public <P extends BaseProtocol> Future<Connection<P>> createConnection(
      Supplier<P> protocolFactory, NetSocket socket, ConnectOptions options) {
    checkOpenOnLoopThread();
    return net.createConnection(protocolFactory, socket, options);
  }

  @Override
  public Future<Server> createUnixServer(
      Supplier<? extends BaseProtocol> protocolFactory, UnixAddress address, ServerOptions options) {
    checkOpenOnLoopThread();
    return net.createUnixServer(protocolFactory, address, options);
  }

  @Override
  public <P extends BaseProtocol> Future<Connection<P>> createUnixConnection(
      Supplier<P> protocolFactory, UnixAddress address) {
    return createUnixConnection(protocolFactory, address, null);
  }

  @Override
  public <P extends BaseProtocol> Future<Connection<P>> createUnixConnection(
      Supplier<P> protocolFactory, UnixAddress address, ConnectOptions options) {
    checkOpenOnLoopThread();
    return net.createUnixConnection(protocolFactory, address, options);
  }

  @Override
  public Future<Transport> startTls(
      Transport transport, BaseProtocol protocol, TlsOptions options, Side side) {
    checkOpenOnLoopThread();
    return net.startTls(transport, protocol, options, side);
  }

  @Override
  public <P extends BaseProtocol> Future<Connection<P>> connectAcceptedSocket(
      Supplier<P> protocolFactory, NetSocket socket) {
    return connectAcceptedSocket(protocolFactory, socket, null);
  }

  @Override
  public <P extends BaseProtocol> Future<Connection<P>> connectAcceptedSocket(
      Supplier<P> protocolFactory, NetSocket socket, TlsOptions tls) {
    checkOpenOnLoopThread();
    return net.connectAccepted(protocolFactory, socket, tls);
  }

  @Override
  public Future<List<InetSocketAddress>> getAddrInfo(String host, int port) {
    checkClosed();
    return Resolver.getAddrInfo(this, host, port);
  }

  @Override
  public Future<String> getNameInfo(InetSocketAddress address) {
    checkClosed();
    return Resolver.getNameInfo(this, address);
  }

  @Override
  public Future<Long> sendFile(Transport transport, Path file, long position, long count) {
    checkOpenOnLoopThread();
    return net.sendFile(transport, file, position, count);
  }

  @Override
  public Future<StreamPair> openConnection(String host, int port, StreamOptions options) {
    return streams.openConnection(host, port, options);
  }

  @Override
  public Future<Server> startServer(
      ClientConnected clientConnected, String host, int port, StreamOptions options) {
    return streams.startServer(clientConnected, host, port, options);
  }

  @Override
  public Future<StreamPair> openConnection(NetSocket socket, StreamOptions options) {
    return streams.openConnection(socket, options);
  }

  @Override
  public Future<Server> startServer(
      ClientConnected clientConnected, NetSocket socket, StreamOptions options) {
    return streams.startServer(clientConnected, socket, options);
  }

  @Override
  public Future<StreamPair> openUnixConnection(UnixAddress address, StreamOptions options) {
    return streams.openUnixConnection(address, options);
  }

  @Override
  public Future<Server> startUnixServer(
      ClientConnected clientConnected, UnixAddress address, StreamOptions options) {
    return streams.startUnixServer(clientConnected, address, options);
  }

  @Override
  public NetSocket openTcpSocket(StandardProtocolFamily family) throws IOException {
    checkOpenOnLoopThread();
    return net.openSocket(family);
  }

  @Override
  public NetSocket openUnixSocket() throws IOException {
    checkOpenOnLoopThread();
    return net.openSocket(StandardProtocolFamily.UNIX);
  }

  @Override
  public NetSocket adoptSocket(int fd) throws IOException {
    checkOpenOnLoopThread();
    return net.adoptSocket(fd);
  }

  @Override
  public Future<ByteBuffer> sockRecv(NetSocket socket, int maxBytes) {
    checkOpenOnLoopThread();
    return sockOps.recv(socket, maxBytes);
  }

  @Override
  public Future<Integer> sockRecvInto(NetSocket socket, ByteBuffer buffer) {
    checkOpenOnLoopThread();
    return sockOps.recvInto(socket, buffer);
  }

  @Override
  public Future<Void> sockSendAll(NetSocket socket, ByteBuffer data) {
    checkOpenOnLoopThread();
    return sockOps.sendall(socket, data);
  }

  @Override
  public Future<Void> sockConnect(NetSocket socket, SocketAddress remote) {
    checkOpenOnLoopThread();
    if (Datagrams.isDatagramSocket(socket)) {
      return datagrams.connect(socket, remote);
    }
    return sockOps.connect(socket, remote);
  }

  @Override
  public Future<NetSocket> sockAccept(NetSocket listening) {
    checkOpenOnLoopThread();
    return sockOps.accept(listening);
  }

  // ---------------------------------------------------------------- datagrams

  @Override
  public <P extends DatagramProtocol> Future<DatagramEndpoint<P>> createDatagramEndpoint(
      Supplier<P> protocolFactory,
      SocketAddress local,
      SocketAddress remote,
      DatagramOptions options) {
    checkOpenOnLoopThread();
    return datagrams.createEndpoint(protocolFactory, local, remote, options);
  }

  @Override
  public <P extends DatagramProtocol> Future<DatagramEndpoint<P>> createDatagramEndpoint(
      Supplier<P> protocolFactory, NetSocket socket) {
    checkOpenOnLoopThread();
    return datagrams.createEndpoint(protocolFactory, socket);
  }

  @Override
  public NetSocket openDatagramSocket(StandardProtocolFamily family) throws IOException {
    checkOpenOnLoopThread();
    return datagrams.open(family);
  }

  @Override
  public Future<ReceivedDatagram> sockRecvFrom(NetSocket socket, int maxBytes) {
    checkOpenOnLoopThread();
    return datagrams.recvFrom(socket, maxBytes);
  }

  @Override
  public Future<ReceivedDatagram> sockRecvFromInto(NetSocket socket, ByteBuffer buffer) {
    checkOpenOnLoopThread();
    return datagrams.recvFromInto(socket, buffer);
  }

  @Override
  public Future<Integer> sockSendTo(NetSocket socket, ByteBuffer data, SocketAddress address) {
    checkOpenOnLoopThread();
    return datagrams.sendTo(socket, data, address);
  }

  @Override
  public void addReader(int fd, Runnable callback) {
    checkOpenOnLoopThread();
    fdWatchers.add(fd, Backend.READABLE, callback);
  }

  @Override
  public boolean removeReader(int fd) {
    checkThread();
    return fdWatchers.remove(fd, Backend.READABLE);
  }

  @Override
  public void addWriter(int fd, Runnable callback) {
    checkOpenOnLoopThread();
    fdWatchers.add(fd, Backend.WRITABLE, callback);
  }

  @Override
  public boolean removeWriter(int fd) {
    checkThread();
    return fdWatchers.remove(fd, Backend.WRITABLE);
  }

  // ---------------------------------------------------------------- signals

  @Override
  public void addSignalHandler(String signal, Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkOpenOnLoopThread();
    SignalRegistry.add(this, signal, callback);
  }

  @Override
  public boolean removeSignalHandler(String signal) {
    checkThread();
    return SignalRegistry.remove(this, signal);
  }

  public Backend backend() {
    return backend;
  }

  public ChunkPool chunkPool() {
    return chunks;
  }

  public ErrorReporter errors() {
    return errors;
  }

  public TransportsByFd transports() {
    return transports;
  }

  // ---------------------------------------------------------------- child processes and pipes

  private final zloop.engine.process.Subprocesses subprocesses =
      new zloop.engine.process.Subprocesses(this);
  private final zloop.engine.stream.SubprocessStreams subprocessStreams =
      new zloop.engine.stream.SubprocessStreams(this);

  @Override
  public <P extends zloop.SubprocessProtocol>
      Future<zloop.SubprocessConnection<P>> subprocessExec(
          Supplier<P> protocolFactory, List<String> argv, zloop.SubprocessOptions options) {
    return subprocesses.exec(protocolFactory, argv, options);
  }

  @Override
  public <P extends zloop.SubprocessProtocol>
      Future<zloop.SubprocessConnection<P>> subprocessShell(
          Supplier<P> protocolFactory, String command, zloop.SubprocessOptions options) {
    return subprocesses.shell(protocolFactory, command, options);
  }

  @Override
  public Future<zloop.Subprocess> createSubprocessExec(
      List<String> argv, zloop.SubprocessOptions options) {
    return subprocessStreams.exec(argv, options);
  }

  @Override
  public Future<zloop.Subprocess> createSubprocessShell(
      String command, zloop.SubprocessOptions options) {
    return subprocessStreams.shell(command, options);
  }

  @Override
  public <P extends BaseProtocol> Future<Connection<P>> connectReadPipe(
      Supplier<P> protocolFactory, int fd) {
    return subprocesses.connectPipe(protocolFactory, fd, false);
  }

  @Override
  public <P extends BaseProtocol> Future<Connection<P>> connectWritePipe(
      Supplier<P> protocolFactory, int fd) {
    return subprocesses.connectPipe(protocolFactory, fd, true);
  }

  // ---------------------------------------------------------------- errors, debug

  @Override
  public void setExceptionHandler(ExceptionHandler handler) {
    errors.setHandler(handler);
  }

  @Override
  public ExceptionHandler getExceptionHandler() {
    return errors.handler();
  }

  @Override
  public void defaultExceptionHandler(ExceptionContext context) {
    errors.logDefault(context);
  }

  @Override
  public void callExceptionHandler(ExceptionContext context) {
    errors.call(context);
  }

  @Override
  public void setDebug(boolean enabled) {
    guard.setDebug(enabled);
  }

  @Override
  public boolean getDebug() {
    return guard.debug();
  }

  @Override
  public Duration slowCallbackDuration() {
    return Duration.ofNanos(guard.slowNanos());
  }

  @Override
  public void setSlowCallbackDuration(Duration threshold) {
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("negative threshold: " + threshold);
    }
    guard.setSlowNanos(saturatedNanos(threshold));
  }

  @Override
  public zloop.LoopStats stats() {
    return meter.snapshot();
  }

  // ---------------------------------------------------------------- guards

  /** Whether the caller runs on this loop's thread (or one of its tasks). */
  public boolean inLoopThread() {
    Thread t = Thread.currentThread();
    return t == ownerThread || t == mountedThread;
  }

  void checkClosed() {
    if (closed) {
      throw new EventLoopClosedException();
    }
  }

  /** The guard of every loop-affine operation: the loop is open and this is its thread. */
  void checkOpenOnLoopThread() {
    checkClosed();
    checkThread();
  }

  /** Loop-affine operations from another thread while the loop runs fail loudly. */
  public void checkThread() {
    if (running && !inLoopThread()) {
      throw new IllegalStateException(
          "Non-thread-safe operation invoked on an event loop other than the current one"
              + " (thread "
              + Thread.currentThread().getName()
              + "); use callSoonThreadSafe");
    }
  }

  @Override
  public String toString() {
    return "EventLoop[backend="
        + backendName
        + ", running="
        + running
        + ", closed="
        + closed
        + ", debug="
        + guard.debug()
        + "]";
  }

  /** The loop as its backend sees it. */
  private final class Context implements LoopContext {
    @Override
    public EventLoop loop() {
      return Loop.this;
    }

    @Override
    public void reportError(String message, Throwable exception) {
      errors.report(message, exception, null);
    }

    @Override
    public <T> int dispatch(IoCallback<T> callback, T target, int a, int b, int c) {
      return guard.dispatch(callback, target, a, b, c);
    }

    @Override
    public boolean hasReadyWork() {
      return !ready.isEmpty() || stopping;
    }
  }
}
