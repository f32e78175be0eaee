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
 * Submitting work to a running loop from another thread: zloop's {@code callSoonThreadSafe}
 * against Netty's {@code execute} from a foreign thread. Both loops run on their own thread,
 * started in {@code @Setup}. One operation is one no-op callback submitted by the benchmark thread
 * and run by the loop; each invocation submits {@link Batch#N} and then a {@link Signal}, and spins
 * until the loop has run it, so the figure includes waking the loop (once or a few times per batch,
 * as each loop's wake-up coalescing allows) and the loop draining its inbox.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.OPEN_JAVA_LANG, Jvm.NETTY_UNSAFE, Jvm.HEAP})
public class CrossThreadBench {

  /** A zloop loop running forever on a thread of its own. */
  @State(Scope.Thread)
  public static class Zloop extends ZloopLoopState {
    final Counter counter = new Counter();
    final Signal done = new Signal();
    private Thread thread;

    @Setup
    public void setup() {
      open();
      EventLoop l = loop;
      thread = new Thread(l::runForever, "zloop-" + backend);
      thread.start();
      while (!l.isRunning()) {
        Thread.onSpinWait();
      }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
      loop.stop();
      thread.join();
      close();
    }
  }

  /** A Netty loop (always on its own thread). */
  @State(Scope.Thread)
  public static class Netty extends NettyLoopState {
    final Counter counter = new Counter();
    final Signal done = new Signal();

    @Setup
    public void setup() {
      open();
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
    Counter cb = s.counter;
    s.done.reset();
    for (int i = 0; i < Batch.N; i++) {
      loop.callSoonThreadSafe(cb);
    }
    loop.callSoonThreadSafe(s.done);
    s.done.await();
    return Batch.expect("zloop callSoonThreadSafe", cb.take(), Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int netty(Netty s) {
    IoEventLoop loop = s.loop;
    Counter cb = s.counter;
    s.done.reset();
    for (int i = 0; i < Batch.N; i++) {
      loop.execute(cb);
    }
    loop.execute(s.done);
    s.done.await();
    return Batch.expect("netty execute (foreign thread)", cb.take(), Batch.N);
  }
}
