package zloop.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
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
import zloop.Future;

/**
 * Task switches: a zloop task (a virtual thread scheduled by the loop) that parks and resumes.
 * Netty has no tasks; its nearest equivalent of "yield and continue later" is a callback that
 * re-queues itself, so that is measured beside them, for zloop and Netty alike. One operation is
 * one yield (or one hop); each invocation does {@link Batch#N} in one task (or one chain).
 *
 * <ul>
 *   <li>{@code zloopYield}: a task runs {@code loop.sleep(Duration.ZERO).join()} N times ({@code
 *       await asyncio.sleep(0)}): each parks the task and resumes it on a later turn. Run with
 *       {@code runUntilComplete(task)}; the task's creation is spread over the N.
 *   <li>{@code zloopJoinDone}: a task calls {@code join()} N times on a future that is already
 *       done: the no-switch fast path.
 *   <li>{@code zloopCallbackChain}: a callback that {@code callSoon}s itself N times: the same
 *       hops with no virtual thread, so the gap to {@code zloopYield} is the cost of the task
 *       machinery. Every hop is a loop turn (asyncio's rule: callbacks queued during a turn run on
 *       the next); while the queue stays busy the loop polls the backend once per 64 callbacks
 *       (before, every turn polled it). Each hop allocates its {@code Handle}.
 *   <li>{@code zloopExecuteChain}: the same chain through {@code execute}: no handle, nothing
 *       allocated per hop.
 *   <li>{@code nettyExecuteChain}: a runnable that {@code execute}s itself N times on Netty's loop.
 *       Netty drains tasks queued meanwhile in the same round, without polling I/O between them.
 *       Carries the hand-off measured by {@code CallSoonBench.nettyHandoffOnly}.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.OPEN_JAVA_LANG, Jvm.NETTY_UNSAFE, Jvm.HEAP})
public class TaskBench {

  /** A zloop loop driven by the benchmark thread, and the task bodies. */
  @State(Scope.Thread)
  public static class Zloop extends ZloopLoopState {
    Callable<Integer> yieldBody;
    Callable<Integer> joinDoneBody;
    Chain chain;
    Chain executeChain;

    @Setup
    public void setup() {
      open();
      EventLoop l = loop;
      yieldBody =
          () -> {
            for (int i = 0; i < Batch.N; i++) {
              l.sleep(Duration.ZERO).join();
            }
            return Batch.N;
          };
      Future<Object> done = l.createFuture();
      done.setResult(true);
      joinDoneBody =
          () -> {
            int n = 0;
            for (int i = 0; i < Batch.N; i++) {
              if (done.join() != null) {
                n++;
              }
            }
            return n;
          };
      chain = new Chain(Batch.N, l::callSoon, stop);
      executeChain = new Chain(Batch.N, l::execute, stop);
    }

    @TearDown
    public void tearDown() {
      close();
    }
  }

  /** A Netty loop, and the chain it runs on its own thread. */
  @State(Scope.Thread)
  public static class Netty extends NettyLoopState {
    final Signal done = new Signal();
    Chain chain;

    @Setup
    public void setup() {
      open();
      chain = new Chain(Batch.N, loop, done);
    }

    @TearDown
    public void tearDown() {
      close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int zloopYield(Zloop s) {
    int yields = s.loop.runUntilComplete(s.loop.createTask(s.yieldBody));
    return Batch.expect("zloop task yields", yields, Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int zloopJoinDone(Zloop s) {
    int joins = s.loop.runUntilComplete(s.loop.createTask(s.joinDoneBody));
    return Batch.expect("zloop joins", joins, Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int zloopCallbackChain(Zloop s) {
    s.loop.callSoon(s.chain);
    s.loop.runForever();
    return Batch.expect("zloop callback chain", s.chain.take(), Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int zloopExecuteChain(Zloop s) {
    s.loop.execute(s.executeChain);
    s.loop.runForever();
    return Batch.expect("zloop execute chain", s.executeChain.take(), Batch.N);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.N)
  public int nettyExecuteChain(Netty s) {
    s.done.reset();
    s.loop.execute(s.chain);
    s.done.await();
    return Batch.expect("netty execute chain", s.chain.take(), Batch.N);
  }
}
