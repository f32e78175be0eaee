package zloop.bench;

import io.netty.channel.IoEventLoop;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import zloop.EventLoop;

/**
 * Scheduling a timer, keeping it in the timer heap, and firing it: zloop's {@code callLater}
 * against Netty's {@code schedule}, both called on the loop thread. One operation is one timer
 * scheduled and fired; each invocation handles {@link Batch#N} timers with distinct delays of 0 to
 * N-1 ns in shuffled order, so the benchmark measures scheduling, heap and firing, not sleeping.
 *
 * <ul>
 *   <li>{@code zloop}: on the benchmark thread (the loop thread), {@code callLater(delay_i, cb)}
 *       for each i, a spin of N ns so that the last deadline has passed (otherwise the loop would
 *       wait for it, and a backend's poll rounds up to a millisecond), then {@code runForever()};
 *       the N-th timer callback stops the loop.
 *   <li>{@code netty}: the same calls, {@code schedule(cb, delay_i, NANOSECONDS)}, and the same
 *       spin, in a batch runnable on Netty's loop thread; the N-th callback fires a {@link Signal}.
 *       Carries the hand-off measured by {@code CallSoonBench.nettyHandoffOnly}.
 *   <li>{@code zloopRandomDue}: zloop only, {@code callAt(time() - 1 - offset_i)}: deadlines
 *       already due and truly in random order. With relative delays, as above, the clock moves
 *       tens of microseconds over a batch, far more than the 1 us spread, so the heap mostly sees
 *       ascending deadlines; this variant exercises the sift-up of out-of-order inserts. Netty
 *       cannot schedule in the past, so it has no counterpart.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.OPEN_JAVA_LANG, Jvm.NETTY_UNSAFE, Jvm.HEAP})
public class TimerBench {
  private static final int[] OFFSETS = Batch.shuffledOffsets(Batch.N);

  /** A zloop loop driven by the benchmark thread, and the timers' delays. */
  @State(Scope.Thread)
  public static class Zloop extends ZloopLoopState {
    /** {@link #OFFSETS} as durations, made once: scheduling must not allocate them. */
    final Duration[] delays = new Duration[Batch.N];

    CountDown fire;

    @Setup
    public void setup() {
      open();
      for (int i = 0; i < Batch.N; i++) {
        delays[i] = Duration.ofNanos(OFFSETS[i]);
      }
      fire = new CountDown(Batch.N, stop);
    }

    @TearDown
    public void tearDown() {
      close();
    }
  }

  /** A Netty loop, and the batch it runs on its own thread. */
  @State(Scope.Thread)
  public static class Netty extends NettyLoopState {
    final Signal done = new Signal();
    final CountDown fire = new CountDown(Batch.N, done);
    Runnable batch;

    @Setup
    public void setup() {
      open();
      IoEventLoop l = loop;
      batch =
          () -> {
            for (int i = 0; i < Batch.N; i++) {
              ScheduledFuture<?> unused = l.schedule(fire, OFFSETS[i], TimeUnit.NANOSECONDS);
            }
            Batch.spinUntil(System.nanoTime() + Batch.N);
          };
    }

    @TearDown
    public void tearDown() {
      close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int zloop(Zloop s) {
    EventLoop loop = s.loop;
    Duration[] delays = s.delays;
    for (int i = 0; i < Batch.N; i++) {
      loop.callLater(delays[i], s.fire);
    }
    Batch.spinUntil(System.nanoTime() + Batch.N);
    loop.runForever();
    return Batch.expect("zloop callLater", s.fire.take(), Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int zloopRandomDue(Zloop s) {
    EventLoop loop = s.loop;
    long base = loop.time() - 1;
    for (int i = 0; i < Batch.N; i++) {
      loop.callAt(base - OFFSETS[i], s.fire);
    }
    loop.runForever();
    return Batch.expect("zloop callAt", s.fire.take(), Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int netty(Netty s) {
    s.done.reset();
    s.loop.execute(s.batch);
    s.done.await();
    return Batch.expect("netty schedule", s.fire.take(), Batch.N);
  }
}
