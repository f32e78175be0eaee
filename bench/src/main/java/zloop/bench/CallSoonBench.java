package zloop.bench;

import io.netty.channel.IoEventLoop;
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
 * Enqueue and run of a no-op callback on the loop thread: zloop's {@code callSoon} against Netty's
 * {@code execute} called from inside its own event loop. One operation is one callback queued and
 * run; each invocation handles a batch of {@link Batch#N}.
 *
 * <ul>
 *   <li>{@code zloop}: the benchmark thread is the loop thread. It queues one batch callback and
 *       runs the loop; the batch, running on the loop as Netty's does, calls {@code callSoon} N
 *       times, then {@code callSoon(loop::stop)}; the next turn runs the N callbacks and the stop
 *       (one non-blocking poll of the backend per batch). Each {@code callSoon} allocates its
 *       {@code Handle}. (Until h-micro the N {@code callSoon}s were made before {@code
 *       runForever}, with the loop not running, which skipped the loop-thread check that a
 *       running loop, and Netty's {@code inEventLoop()}, make on every call.)
 *   <li>{@code zloopExecute}: the same with {@code execute}, which returns no handle and queues the
 *       runnable itself: nothing is allocated per callback.
 *   <li>{@code netty}: Netty's loop has its own thread. The benchmark thread hands it one batch
 *       runnable, which calls {@code execute} N times from the loop thread (Netty's in-loop path:
 *       a queue offer, no wake-up), then queues a {@link Signal}; the loop runs the N tasks and
 *       the signal, and the benchmark thread, spinning, sees it. So the Netty figure also carries
 *       one cross-thread hand-off per batch (wake the loop, signal back), spread over N.
 *   <li>{@code nettyHandoffOnly}: that hand-off alone (one {@code execute} of the signal), reported
 *       per operation of a batch of N, so it can be subtracted from every Netty figure of the
 *       in-loop benchmarks ({@code CallSoonBench}, {@code TimerBench}, {@code FutureBench}).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.OPEN_JAVA_LANG, Jvm.NETTY_UNSAFE, Jvm.HEAP})
public class CallSoonBench {

  /** A zloop loop driven by the benchmark thread. */
  @State(Scope.Thread)
  public static class Zloop extends ZloopLoopState {
    final Counter counter = new Counter();
    Runnable callSoonBatch;
    Runnable executeBatch;

    @Setup
    public void setup() {
      open();
      EventLoop l = loop;
      Runnable s = stop;
      callSoonBatch =
          () -> {
            for (int i = 0; i < Batch.N; i++) {
              l.callSoon(counter);
            }
            l.callSoon(s); // runs after the N: the ready queue is FIFO
          };
      executeBatch =
          () -> {
            for (int i = 0; i < Batch.N; i++) {
              l.execute(counter);
            }
            l.execute(s);
          };
    }

    @TearDown
    public void tearDown() {
      close();
    }
  }

  /** A Netty loop, and the batch it runs on its own thread. */
  @State(Scope.Thread)
  public static class Netty extends NettyLoopState {
    final Counter counter = new Counter();
    final Signal done = new Signal();
    Runnable batch;

    @Setup
    public void setup() {
      open();
      IoEventLoop l = loop;
      batch =
          () -> {
            for (int i = 0; i < Batch.N; i++) {
              l.execute(counter);
            }
            l.execute(done); // runs after the N: Netty's task queue is FIFO
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
    s.loop.callSoon(s.callSoonBatch);
    s.loop.runForever();
    return Batch.expect("zloop callSoon", s.counter.take(), Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int zloopExecute(Zloop s) {
    s.loop.execute(s.executeBatch);
    s.loop.runForever();
    return Batch.expect("zloop execute", s.counter.take(), Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int netty(Netty s) {
    s.done.reset();
    s.loop.execute(s.batch);
    s.done.await();
    return Batch.expect("netty execute", s.counter.take(), Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public void nettyHandoffOnly(Netty s) {
    s.done.reset();
    s.loop.execute(s.done);
    s.done.await();
  }
}
