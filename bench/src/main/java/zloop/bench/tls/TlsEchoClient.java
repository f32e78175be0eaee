package zloop.bench.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The TLS echo load client: per measurement, {@code --conns} fresh blocking {@link SSLSocket}s
 * (TLSv1.3), each on its own platform thread, each sending a {@code --size}-byte message ending in
 * {@code '\n'} and reading the whole echo before the next. Checks every server's echo byte for
 * byte, warms each up, then measures them round-robin ({@code --rounds}, one server later each
 * round), reading server and client CPU time from {@code /proc/PID/stat}; prints a Markdown table.
 *
 * <pre>
 * java -cp benchmarks.jar zloop.bench.tls.TlsEchoClient --cert C.pem \
 *     --servers zloop-epoll=27201:PID,netty-epoll=27211:PID --baseline netty-epoll \
 *     [--conns 8] [--size 1024] [--warmup 10] [--duration 3] [--rounds 3] [--clk-tck 100]
 * </pre>
 */
public final class TlsEchoClient {
  private TlsEchoClient() {}

  record Target(String id, int port, long pid) {}

  record Sample(double reqPerSec, long requests, double serverCpuSec, double serverUserSec, double clientCpuSec,
      double wallSec, boolean stuck) {}

  private static SSLContext ctx;
  private static int conns;
  private static int size;
  private static double clkTck;

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = Pem.options(argv);
    ctx = Pem.clientContext(Path.of(a.get("cert")));
    conns = Integer.parseInt(a.getOrDefault("conns", "8"));
    size = Integer.parseInt(a.getOrDefault("size", "1024"));
    double warmup = Double.parseDouble(a.getOrDefault("warmup", "10"));
    double duration = Double.parseDouble(a.getOrDefault("duration", "3"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    clkTck = Double.parseDouble(a.getOrDefault("clk-tck", "100"));
    String baseline = a.getOrDefault("baseline", "netty-epoll");
    List<Target> targets = new ArrayList<>();
    for (String s : a.get("servers").split(",")) {
      String[] idRest = s.split("=", 2);
      String[] portPid = idRest[1].split(":");
      targets.add(new Target(idRest[0], Integer.parseInt(portPid[0]), Long.parseLong(portPid[1])));
    }

    for (Target t : targets) {
      check(t);
      log("checked %s: echo intact, TLSv1.3", t.id);
    }
    for (Target t : targets) {
      Sample s = measure(t, warmup);
      log("warmed %s: %.0f req/s over %.0f s (server busy %.0f%%, client busy %.0f%%)", t.id, s.reqPerSec,
          warmup, 100 * s.serverCpuSec / s.wallSec, 100 * s.clientCpuSec / s.wallSec);
    }
    Map<String, List<Sample>> results = new LinkedHashMap<>();
    targets.forEach(t -> results.put(t.id, new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < targets.size(); k++) {
        Target t = targets.get((k + r) % targets.size());
        Sample s = measure(t, duration);
        results.get(t.id).add(s);
        log("round %d %-16s %8.0f req/s  server %.1f µs/req (user %.1f), busy %3.0f%%  client %.1f µs/req, busy %3.0f%%%s",
            r + 1, t.id, s.reqPerSec, 1e6 * s.serverCpuSec / s.requests, 1e6 * s.serverUserSec / s.requests,
            100 * s.serverCpuSec / s.wallSec, 1e6 * s.clientCpuSec / s.requests, 100 * s.clientCpuSec / s.wallSec, s.stuck ? "  STUCK" : "");
      }
    }
    System.out.print(table(targets, results, baseline, rounds));
  }

  private static String table(List<Target> targets, Map<String, List<Sample>> results, String baseline, int rounds) {
    double baseBest = best(results.get(baseline));
    double baseMedian = median(results.get(baseline).stream().mapToDouble(Sample::reqPerSec).toArray());
    StringBuilder sb = new StringBuilder();
    sb.append("| server | req/s (best) | req/s (median) | rounds (req/s) | × ").append(baseline)
        .append(" (best) | × (median) | server CPU µs/req | (user) | client CPU µs/req | server busy | client busy |\n");
    sb.append("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Target t : targets) {
      List<Sample> ss = results.get(t.id);
      double b = best(ss);
      double med = median(ss.stream().mapToDouble(Sample::reqPerSec).toArray());
      double cpu = median(ss.stream().mapToDouble(s -> 1e6 * s.serverCpuSec / Math.max(1, s.requests)).toArray());
      double user = median(ss.stream().mapToDouble(s -> 1e6 * s.serverUserSec / Math.max(1, s.requests)).toArray());
      double client = median(ss.stream().mapToDouble(s -> 1e6 * s.clientCpuSec / Math.max(1, s.requests)).toArray());
      Sample bs = ss.stream().max((x, y) -> Double.compare(x.reqPerSec, y.reqPerSec)).orElseThrow();
      StringBuilder each = new StringBuilder();
      for (Sample s : ss) {
        each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", s.reqPerSec))
            .append(s.stuck ? " stuck" : "");
      }
      sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %.2f | %.2f | %.1f | %.1f | %.1f | %.0f%% | %.0f%% |\n",
          t.id, b, med, each, b / baseBest, med / baseMedian, cpu, user, client, 100 * bs.serverCpuSec / bs.wallSec,
          100 * bs.clientCpuSec / bs.wallSec));
    }
    return sb.toString();
  }

  private static double best(List<Sample> ss) {
    return ss.stream().mapToDouble(Sample::reqPerSec).max().orElse(0);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static SSLSocket open(Target t) throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", t.port);
    s.setTcpNoDelay(true);
    s.setSoTimeout(5000);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    s.startHandshake();
    if (!"TLSv1.3".equals(s.getSession().getProtocol())) {
      throw new IOException(t.id + " negotiated " + s.getSession().getProtocol());
    }
    return s;
  }

  private static byte[] message(Random rnd) {
    byte[] m = new byte[size];
    for (int i = 0; i < size - 1; i++) {
      m[i] = (byte) ('a' + rnd.nextInt(26));
    }
    m[size - 1] = '\n';
    return m;
  }

  /** Three random messages on one connection, each echo compared byte for byte. */
  private static void check(Target t) throws IOException {
    Random rnd = new Random(t.port);
    try (SSLSocket s = open(t)) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      byte[] back = new byte[size];
      for (int i = 0; i < 3; i++) {
        byte[] m = message(rnd);
        out.write(m);
        out.flush();
        in.readNBytes(back, 0, size);
        if (!Arrays.equals(m, back)) {
          throw new IOException(t.id + ": the echo differs from the message");
        }
      }
    }
  }

  /** {@code conns} fresh connections, 0.2 s lead-in, then a window of {@code seconds}. */
  private static Sample measure(Target t, double seconds) throws Exception {
    List<SSLSocket> sockets = new ArrayList<>();
    for (int i = 0; i < conns; i++) {
      sockets.add(open(t));
    }
    byte[] m = message(new Random(42));
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    var stopFlag = new java.util.concurrent.atomic.AtomicBoolean();
    for (SSLSocket s : sockets) {
      Thread th = Thread.ofPlatform().name("client-" + t.id).start(() -> {
        byte[] back = new byte[64 * 1024];
        try {
          OutputStream out = s.getOutputStream();
          InputStream in = s.getInputStream();
          while (!stopFlag.get()) {
            out.write(m);
            out.flush();
            int got = 0;
            while (got < size) {
              int n = in.read(back, 0, Math.min(back.length, size - got));
              if (n < 0) {
                throw new IOException("closed by the server");
              }
              got += n;
            }
            done.incrementAndGet();
          }
        } catch (IOException e) {
          if (!stopFlag.get() && errors.incrementAndGet() <= 3) {
            System.err.println("tls-client " + t.id + ": " + e);
          }
        }
      });
      threads.add(th);
    }
    Thread.sleep(200);
    long[] s0 = cpu(t.pid);
    long[] c0 = cpu(ProcessHandle.current().pid());
    long r0 = done.get();
    long w0 = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    long r1 = done.get();
    long w1 = System.nanoTime();
    long[] s1 = cpu(t.pid);
    long[] c1 = cpu(ProcessHandle.current().pid());
    stopFlag.set(true);
    boolean stuck = false;
    for (Thread th : threads) {
      th.join(3000);
      stuck |= th.isAlive();
    }
    for (SSLSocket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing
      }
    }
    for (Thread th : threads) {
      th.join();
    }
    if (errors.get() > 0) {
      throw new IOException(t.id + ": " + errors.get() + " connection errors under load");
    }
    double wall = (w1 - w0) / 1e9;
    long n = r1 - r0;
    return new Sample(n / wall, n, (s1[0] + s1[1] - s0[0] - s0[1]) / clkTck, (s1[0] - s0[0]) / clkTck,
        (c1[0] + c1[1] - c0[0] - c0[1]) / clkTck, wall, stuck);
  }

  /** utime and stime of a process, in clock ticks. */
  private static long[] cpu(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, format + "%n", args);
  }
}
