package zloop.bench.scaling;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The echo servers' {@code --alloc-report}: a daemon thread that answers every line it reads from
 * stdin with one line on stdout, {@code alloc: loop=B total=B threads=N}, where {@code loop} is the
 * sum of {@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long)} over the event-loop
 * threads and {@code total} is {@link com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes()}
 * (every thread, live or ended, this one included). A driver reads it at the start and the end of a
 * measured window and divides the difference by the echoes it counted.
 */
public final class AllocReport {
  private final List<Thread> loopThreads = new CopyOnWriteArrayList<>();
  private final com.sun.management.ThreadMXBean mx =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  public AllocReport() {
    mx.setThreadAllocatedMemoryEnabled(true);
  }

  public void addLoopThread(Thread t) {
    loopThreads.add(t);
  }

  /** Starts the daemon thread that answers stdin. */
  public void start() {
    Thread.ofPlatform()
        .daemon()
        .name("alloc-report")
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                  System.out.println(line());
                  System.out.flush();
                }
              } catch (IOException e) {
                System.err.println("alloc-report: " + e);
              }
            });
  }

  public String line() {
    long loop = 0;
    for (Thread t : loopThreads) {
      long b = mx.getThreadAllocatedBytes(t.threadId());
      if (b > 0) {
        loop += b;
      }
    }
    long total = mx.getTotalThreadAllocatedBytes();
    return String.format(
        Locale.ROOT, "alloc: loop=%d total=%d threads=%d", loop, total, loopThreads.size());
  }
}
