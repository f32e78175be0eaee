package zloop.bench;

import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
import zloop.Future;

/**
 * A future's life on the loop thread: create it, add one done callback, complete it, and run the
 * callback. zloop's {@code createFuture}/{@code addDoneCallback}/{@code setResult} against Netty's
 * {@code newPromise}/{@code addListener}/{@code trySuccess}. One operation is one future; each
 * invocation handles {@link Batch#N}.
 *
 * <ul>
 *   <li>{@code zloop}: in a batch callback on the running loop (the benchmark thread is the loop
 *       thread), as Netty's batch runs on its loop. {@code setResult} schedules the callback
 *       (asyncio's rule: never inside the completion), so the next turn runs the N callbacks, then
 *       the stop the batch queued last. (Until h-micro the batch ran before {@code runForever},
 *       with the loop not running, which skipped {@code addDoneCallback}'s loop-thread check.)
 *   <li>{@code netty}: in a batch runnable on Netty's loop thread. Netty notifies listeners at once
 *       when completed on the loop thread, so the callback runs inside {@code trySuccess} (the path
 *       of {@code setSuccess} without its already-done throw). Carries the hand-off measured by
 *       {@code CallSoonBench.nettyHandoffOnly}.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.OPEN_JAVA_LANG, Jvm.NETTY_UNSAFE, Jvm.HEAP})
public class FutureBench {
  private static final Object VALUE = true;

  /** Counts zloop done callbacks. */
  static final class ZloopListener implements Consumer<Future<?>> {
    int count;

    @Override
    public void accept(Future<?> f) {
      count++;
    }
  }

  /** Counts Netty listener calls. */
  static final class NettyListener
      implements GenericFutureListener<io.netty.util.concurrent.Future<Object>> {
    int count;

    @Override
    public void operationComplete(io.netty.util.concurrent.Future<Object> f) {
      count++;
    }
  }

  /** A zloop loop driven by the benchmark thread. */
  @State(Scope.Thread)
  public static class Zloop extends ZloopLoopState {
    final ZloopListener listener = new ZloopListener();
    Runnable batch;

    @Setup
    public void setup() {
      open();
      EventLoop l = loop;
      Runnable s = stop;
      batch =
          () -> {
            for (int i = 0; i < Batch.N; i++) {
              Future<Object> f = l.createFuture();
              f.addDoneCallback(listener);
              f.setResult(VALUE);
            }
            l.callSoon(s); // after the N callbacks: the ready queue is FIFO
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
    final NettyListener listener = new NettyListener();
    final Signal done = new Signal();
    Runnable batch;

    @Setup
    public void setup() {
      open();
      IoEventLoop l = loop;
      batch =
          () -> {
            for (int i = 0; i < Batch.N; i++) {
              if (!l.newPromise().addListener(listener).trySuccess(VALUE)) {
                throw new IllegalStateException("a new promise was already done");
              }
            }
            done.run();
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
    s.loop.callSoon(s.batch);
    s.loop.runForever();
    ZloopListener listener = s.listener;
    int ran = listener.count;
    listener.count = 0;
    return Batch.expect("zloop future callbacks", ran, Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int netty(Netty s) {
    s.done.reset();
    s.loop.execute(s.batch);
    s.done.await();
    int ran = s.listener.count;
    s.listener.count = 0;
    return Batch.expect("netty promise listeners", ran, Batch.N);
  }
}
