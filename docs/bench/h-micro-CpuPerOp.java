import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Consumer;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;

/**
 * Load-robust companion of the JMH runs (h-micro, issue 17): the loop thread's CPU time per
 * operation (ThreadMXBean), which time slices lost to other processes do not inflate, for the same
 * batches as CallSoonBench.zloop/zloopExecute, FutureBench.zloop and TaskBench.zloopCallbackChain.
 * Run against one jar at a time, alternating jars:
 * java --enable-native-access=ALL-UNNAMED -Xmx1g -cp JAR docs/bench/h-micro-CpuPerOp.java epoll
 */
public class CpuPerOp {
  static final int N = 1000;
  static int count;

  public static void main(String[] args) {
    String backend = args.length > 0 ? args[0] : "epoll";
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (String mode : new String[] {"callSoon", "execute", "future", "chain"}) {
      try (EventLoop loop = EventLoops.newEventLoop(backend)) {
        Runnable batch = batch(mode, loop);
        run(loop, batch, 3_000_000_000L); // warm-up
        double[] perOp = new double[7];
        for (int r = 0; r < perOp.length; r++) {
          long cpu0 = mx.getCurrentThreadCpuTime();
          long ops = run(loop, batch, 700_000_000L);
          perOp[r] = (mx.getCurrentThreadCpuTime() - cpu0) / (double) ops;
        }
        Arrays.sort(perOp);
        System.out.printf(
            "%-9s cpu ns/op: min %.2f  median %.2f  max %.2f%n",
            mode, perOp[0], perOp[perOp.length / 2], perOp[perOp.length - 1]);
      }
    }
  }

  /** Runs batches for about the given wall time; returns the operations done. */
  static long run(EventLoop loop, Runnable batch, long nanos) {
    long end = System.nanoTime() + nanos;
    long ops = 0;
    while (System.nanoTime() < end) {
      for (int k = 0; k < 100; k++) {
        loop.callSoon(batch);
        loop.runForever();
        if (count != N) {
          throw new IllegalStateException("ran " + count);
        }
        count = 0;
        ops += N;
      }
    }
    return ops;
  }

  static Runnable batch(String mode, EventLoop l) {
    Runnable counter = () -> count++;
    Runnable stop = l::stop;
    Consumer<Future<Object>> listener = f -> count++;
    return switch (mode) {
      case "callSoon" ->
          () -> {
            for (int i = 0; i < N; i++) {
              l.callSoon(counter);
            }
            l.callSoon(stop);
          };
      case "execute" ->
          () -> {
            for (int i = 0; i < N; i++) {
              l.execute(counter);
            }
            l.execute(stop);
          };
      case "future" ->
          () -> {
            for (int i = 0; i < N; i++) {
              Future<Object> f = l.createFuture();
              f.addDoneCallback(listener);
              f.setResult(Boolean.TRUE);
            }
            l.callSoon(stop);
          };
      case "chain" ->
          new Runnable() {
            int hops;

            @Override
            public void run() {
              count++;
              if (++hops < N) {
                l.callSoon(this);
              } else {
                hops = 0;
                stop.run();
              }
            }
          };
      default -> throw new IllegalArgumentException(mode);
    };
  }
}
