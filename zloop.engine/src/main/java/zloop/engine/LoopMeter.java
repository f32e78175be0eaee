package zloop.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import zloop.LoopStats;
import zloop.engine.jfr.BackendPollEvent;
import zloop.engine.jfr.LongTurnEvent;
import zloop.engine.jfr.SlowCallbackEvent;

/**
 * What a loop's turns cost, for {@link zloop.EventLoop#stats()} and the {@code zloop.*} JFR
 * events. On a turn that polls the backend the loop thread calls {@link #beforePoll}, {@link
 * #ioEvent} (per I/O event, from the callback guard), {@link #afterPoll} and {@link #afterTurn};
 * on a busy turn that skips the poll ({@link Loop}'s poll interval) it calls {@link
 * #beginBusyTurn} and {@link #afterBusyTurn}. {@link #flush} closes the books when the loop stops
 * running. {@link #snapshot} is for any thread.
 *
 * <p>Cost on the loop thread: three clock reads per polling turn (two without I/O events), none
 * on a busy turn, plain counters, and one opaque store per counter at the end of the turn; no
 * lock, no allocation. The callback time of busy turns is counted at the next clock read (the
 * next poll, or {@link #flush}), so it includes the loop's own bookkeeping between callbacks. A
 * JFR event is allocated only while a recording enables its type (checked once per turn).
 */
final class LoopMeter {
  private static final VarHandle TURNS;
  private static final VarHandle CALLBACKS;
  private static final VarHandle IO_EVENTS;
  private static final VarHandle READY;
  private static final VarHandle WAIT;
  private static final VarHandle IO_TIME;
  private static final VarHandle RUN_TIME;

  static {
    MethodHandles.Lookup l = MethodHandles.lookup();
    try {
      TURNS = l.findVarHandle(LoopMeter.class, "turns", long.class);
      CALLBACKS = l.findVarHandle(LoopMeter.class, "callbacks", long.class);
      IO_EVENTS = l.findVarHandle(LoopMeter.class, "ioEvents", long.class);
      READY = l.findVarHandle(LoopMeter.class, "readyDepth", int.class);
      WAIT = l.findVarHandle(LoopMeter.class, "waitNanos", long.class);
      IO_TIME = l.findVarHandle(LoopMeter.class, "ioNanos", long.class);
      RUN_TIME = l.findVarHandle(LoopMeter.class, "runNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Asked only whether their event types are enabled; never begun or committed. */
  private static final SlowCallbackEvent SLOW_PROBE = new SlowCallbackEvent();

  private static final LongTurnEvent TURN_PROBE = new LongTurnEvent();
  private static final BackendPollEvent POLL_PROBE = new BackendPollEvent();

  final String backendName;

  /**
   * Whether a recording wants {@code zloop.SlowCallback}: then the guard times each callback.
   * Refreshed once per turn. Loop thread only.
   */
  boolean recordSlowCallbacks;

  // Published counters: written by the loop thread (opaque), read by any thread (opaque).
  private long turns;
  private long callbacks;
  private long ioEvents;
  private int readyDepth;
  private long waitNanos;
  private long ioNanos;
  private long runNanos;

  // This turn, loop thread only.
  private long pollStart;
  private boolean waitOver;
  private long waitEnd;
  private long pollEnd;
  /** Where callback time not yet counted began: the end of the last clocked turn. */
  private long runFrom;
  /** Busy turns ran since {@link #runFrom}: their callback time is not counted yet. */
  private boolean runUncounted;

  private int turnIoEvents;
  private long ioEventsBefore;
  private LongTurnEvent turnEvent;
  private BackendPollEvent pollEvent;

  LoopMeter(String backendName) {
    this.backendName = backendName;
  }

  /** The backend is about to be polled: a turn's wait begins. */
  void beforePoll() {
    turnIoEvents = 0;
    ioEventsBefore = ioEvents;
    waitOver = false;
    recordSlowCallbacks = SLOW_PROBE.isEnabled();
    if (POLL_PROBE.isEnabled()) {
      pollEvent = new BackendPollEvent();
      pollEvent.begin();
    }
    pollStart = System.nanoTime();
    if (runUncounted) {
      countRunTime(pollStart);
    }
  }

  /** A turn that skips the poll begins: no clock read. */
  void beginBusyTurn() {
    recordSlowCallbacks = SLOW_PROBE.isEnabled();
    if (TURN_PROBE.isEnabled()) {
      turnEvent = new LongTurnEvent();
      turnEvent.begin();
    }
    turnIoEvents = 0;
    ioEventsBefore = ioEvents;
  }

  /** The busy turn ran {@code ran} ready callbacks and left {@code readyLeft}; no clock read. */
  void afterBusyTurn(int ran, int readyLeft) {
    runUncounted = true;
    publishCounts(ran, readyLeft);
  }

  /** Counts the callback time of busy turns up to now; for a loop that stops running. */
  void flush() {
    if (runUncounted) {
      countRunTime(System.nanoTime());
    }
  }

  private void countRunTime(long now) {
    runUncounted = false;
    RUN_TIME.setOpaque(this, runNanos + (now - runFrom));
    runFrom = now;
  }

  /** One I/O event is being dispatched; the first one of a poll ends the wait. */
  void ioEvent() {
    turnIoEvents++;
    if (!waitOver) {
      waitEnded(System.nanoTime());
    }
  }

  private void waitEnded(long now) {
    waitOver = true;
    waitEnd = now;
    if (TURN_PROBE.isEnabled()) {
      turnEvent = new LongTurnEvent();
      turnEvent.begin();
    }
  }

  /** The backend returned. */
  void afterPoll() {
    pollEnd = System.nanoTime();
    if (!waitOver) {
      waitEnded(pollEnd);
    }
    WAIT.setOpaque(this, waitNanos + (waitEnd - pollStart));
    IO_TIME.setOpaque(this, ioNanos + (pollEnd - waitEnd));
    IO_EVENTS.setOpaque(this, ioEventsBefore + turnIoEvents);
    BackendPollEvent p = pollEvent;
    if (p != null) {
      pollEvent = null;
      p.end();
      if (p.shouldCommit()) {
        p.backend = backendName;
        p.waited = waitEnd - pollStart;
        p.ioEvents = turnIoEvents;
        p.commit();
      }
    }
  }

  /** The turn ran {@code ran} ready callbacks and left {@code readyLeft} for the next one. */
  void afterTurn(int ran, int readyLeft) {
    long now = System.nanoTime();
    RUN_TIME.setOpaque(this, runNanos + (now - pollEnd));
    runFrom = now;
    publishCounts(ran, readyLeft);
  }

  private void publishCounts(int ran, int readyLeft) {
    CALLBACKS.setOpaque(this, callbacks + ran);
    IO_EVENTS.setOpaque(this, ioEventsBefore + turnIoEvents); // and any dispatched outside the poll
    READY.setOpaque(this, readyLeft);
    TURNS.setOpaque(this, turns + 1);
    LongTurnEvent t = turnEvent;
    if (t != null) {
      turnEvent = null;
      t.end();
      if (t.shouldCommit()) {
        t.backend = backendName;
        t.ioEvents = turnIoEvents;
        t.callbacks = ran;
        t.readyAfter = readyLeft;
        t.commit();
      }
    }
  }

  /** The counters as of a recent turn. Any thread. */
  LoopStats snapshot() {
    return LoopStats.builder()
        .turns((long) TURNS.getOpaque(this))
        .callbacksRun((long) CALLBACKS.getOpaque(this))
        .ioEvents((long) IO_EVENTS.getOpaque(this))
        .readyQueueDepth((int) READY.getOpaque(this))
        .waitingNanos((long) WAIT.getOpaque(this))
        .ioNanos((long) IO_TIME.getOpaque(this))
        .callbackNanos((long) RUN_TIME.getOpaque(this))
        .build();
  }
}
