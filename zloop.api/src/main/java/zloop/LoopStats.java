package zloop;

import java.time.Duration;

/**
 * What an event loop has done so far: a snapshot of counters that only grow (but {@link
 * #readyQueueDepth()}), taken by {@link EventLoop#stats()} from any thread without stopping or
 * slowing the loop.
 *
 * <p>Each counter is exact as of the end of some recent turn; two counters of one snapshot may
 * come from adjacent turns. Rates come from two snapshots: for example the share of time the loop
 * thread was busy is the growth of {@code ioTime() + callbackTime()} over the growth of all three
 * times. Times are wall-clock time on the loop thread ({@link System#nanoTime()}).
 */
public final class LoopStats {
  /** A loop that has not run a turn yet. */
  public static final LoopStats ZERO = builder().build();

  private final long turns;
  private final long callbacksRun;
  private final long ioEvents;
  private final int readyQueueDepth;
  private final long waitingNanos;
  private final long ioNanos;
  private final long callbackNanos;

  private LoopStats(Builder b) {
    this.turns = b.turns;
    this.callbacksRun = b.callbacksRun;
    this.ioEvents = b.ioEvents;
    this.readyQueueDepth = b.readyQueueDepth;
    this.waitingNanos = b.waitingNanos;
    this.ioNanos = b.ioNanos;
    this.callbackNanos = b.callbackNanos;
  }

  /**
   * A builder for a snapshot, all counters zero; for loop implementations and tests.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Turns of the loop: each runs the callbacks that were ready. A turn polls the backend first,
   * except while the ready queue stays busy: then the backend is polled once per 64 callbacks run.
   *
   * @return the number of turns run
   */
  public long turns() {
    return turns;
  }

  /**
   * Ready callbacks run: {@code callSoon} callbacks, timers, task steps and the engine's own.
   *
   * @return the number of ready callbacks run
   */
  public long callbacksRun() {
    return callbacksRun;
  }

  /**
   * I/O events the backend dispatched: each readiness or completion that ran protocol, transport
   * or fd-watcher code.
   *
   * @return the number of I/O events dispatched
   */
  public long ioEvents() {
    return ioEvents;
  }

  /**
   * Callbacks left ready at the end of the last turn: they run in the next one. A depth that stays
   * high means the loop cannot keep up with what is scheduled.
   *
   * @return the ready queue's depth after the last turn
   */
  public int readyQueueDepth() {
    return readyQueueDepth;
  }

  /**
   * Time spent blocked in the backend, waiting for I/O or the next timer: the idle time.
   *
   * @return the total wait
   */
  public Duration waitingTime() {
    return Duration.ofNanos(waitingNanos);
  }

  /**
   * Time spent dispatching I/O events (inside the backend's poll, after the wait).
   *
   * @return the total time in I/O events
   */
  public Duration ioTime() {
    return Duration.ofNanos(ioNanos);
  }

  /**
   * Time spent running ready callbacks, timers and task steps. The turns that skip the poll of a
   * busy loop read no clock: their time is counted at the next poll (or when the loop stops), and
   * includes the loop's own bookkeeping between their callbacks.
   *
   * @return the total time in ready callbacks
   */
  public Duration callbackTime() {
    return Duration.ofNanos(callbackNanos);
  }

  @Override
  public String toString() {
    return "LoopStats[turns="
        + turns
        + ", callbacksRun="
        + callbacksRun
        + ", ioEvents="
        + ioEvents
        + ", readyQueueDepth="
        + readyQueueDepth
        + ", waiting="
        + waitingTime()
        + ", io="
        + ioTime()
        + ", callbacks="
        + callbackTime()
        + "]";
  }

  /** Builds a {@link LoopStats}; every counter starts at zero. */
  public static final class Builder {
    private long turns;
    private long callbacksRun;
    private long ioEvents;
    private int readyQueueDepth;
    private long waitingNanos;
    private long ioNanos;
    private long callbackNanos;

    private Builder() {}

    /**
     * Sets {@link LoopStats#turns()}.
     *
     * @param value turns run
     * @return this builder
     */
    public Builder turns(long value) {
      turns = value;
      return this;
    }

    /**
     * Sets {@link LoopStats#callbacksRun()}.
     *
     * @param value ready callbacks run
     * @return this builder
     */
    public Builder callbacksRun(long value) {
      callbacksRun = value;
      return this;
    }

    /**
     * Sets {@link LoopStats#ioEvents()}.
     *
     * @param value I/O events dispatched
     * @return this builder
     */
    public Builder ioEvents(long value) {
      ioEvents = value;
      return this;
    }

    /**
     * Sets {@link LoopStats#readyQueueDepth()}.
     *
     * @param value callbacks left ready
     * @return this builder
     */
    public Builder readyQueueDepth(int value) {
      readyQueueDepth = value;
      return this;
    }

    /**
     * Sets {@link LoopStats#waitingTime()}.
     *
     * @param nanos time waiting, in nanoseconds
     * @return this builder
     */
    public Builder waitingNanos(long nanos) {
      waitingNanos = nanos;
      return this;
    }

    /**
     * Sets {@link LoopStats#ioTime()}.
     *
     * @param nanos time in I/O events, in nanoseconds
     * @return this builder
     */
    public Builder ioNanos(long nanos) {
      ioNanos = nanos;
      return this;
    }

    /**
     * Sets {@link LoopStats#callbackTime()}.
     *
     * @param nanos time in ready callbacks, in nanoseconds
     * @return this builder
     */
    public Builder callbackNanos(long nanos) {
      callbackNanos = nanos;
      return this;
    }

    /**
     * The snapshot.
     *
     * @return a new {@link LoopStats} with the values set
     */
    public LoopStats build() {
      return new LoopStats(this);
    }
  }
}
