package zloop.bench.echo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The load client and driver of the echo matrix: uvloop's echo protocol (each connection sends a
 * message of the given size ending in {@code \n}, waits for the whole echo, repeats), many
 * connections on one thread and one {@link Selector}, against every server of one size in turn.
 *
 * <pre>
 * java ... zloop.bench.echo.EchoClient --size 1024 --conns 8 --warmup 10 --duration 2.5 --rounds 3 \
 *     --out results.tsv --run full --clk-tck 100 [--read-size 1048576]  NAME:PORT:PID ...
 * </pre>
 *
 * <p>{@code scripts/bench} runs the C client ({@code bench/c/echo_client.c}, the same options and
 * lines) by default; this one stays for {@code --client java}, to compare the two load generators.
 * {@code --read-size} is the size of the one read buffer (1 MiB unless told).
 *
 * For each server: a correctness check (random bytes, compared), then {@code --warmup} seconds of
 * load (the JIT's time), then {@code --rounds} rounds that measure every server once for {@code
 * --duration} seconds, round-robin, starting one server later each round. A measurement opens fresh
 * connections, runs a short unmeasured lead-in, counts the echoes completed in the window, reads
 * the server's CPU time ({@code utime + stime} of {@code /proc/PID/stat}) and the client's own
 * before and after, then lets the requests in flight finish and closes cleanly. One TSV line per
 * measurement goes to {@code --out} (columns in {@link #HEADER}; {@code client_reads} counts the
 * client's reads that returned data, so reads per request shows how finely a server's echo comes
 * back). Lines that start with {@code #} (the run's description, which {@code scripts/bench} appends)
 * are left alone.
 */
public final class EchoClient {
  /** The columns of the results file. */
  static final String HEADER =
      "run\tsize\tconns\tserver\tround\trequests\tseconds\treq_per_s\tserver_cpu_s\tclient_cpu_s"
          + "\tmax_rtt_ms\tstalls\tstatus\tserver_user_s\tclient_reads";

  private static final long LEAD_IN_NANOS = 200_000_000L;
  private static final long STALL_NANOS = 500_000_000L;
  private static final long DRAIN_NANOS = 3_000_000_000L;

  private final String host;
  private final int size;
  private final int conns;
  private final double clkTck;
  private final ByteBuffer message;
  private final ByteBuffer readBuffer;

  private EchoClient(String host, int size, int conns, double clkTck, int readSize) {
    this.readBuffer = ByteBuffer.allocateDirect(readSize);
    this.host = host;
    this.size = size;
    this.conns = conns;
    this.clkTck = clkTck;
    byte[] m = new byte[size];
    Arrays.fill(m, (byte) 'x');
    m[size - 1] = '\n';
    this.message = ByteBuffer.allocateDirect(size).put(m).flip();
  }

  /** One server under test. */
  record Target(String name, int port, int pid) {
    static Target parse(String s) {
      String[] p = s.split(":", -1);
      if (p.length != 3) {
        throw new IllegalArgumentException("a target is NAME:PORT:PID, not " + s);
      }
      return new Target(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }
  }

  /** What one measurement saw. */
  record Result(
      long requests,
      double seconds,
      double serverCpu,
      double clientCpu,
      double maxRttMs,
      int stalls,
      String status,
      double serverUser,
      long reads) {
    double rate() {
      return seconds > 0 ? requests / seconds : 0;
    }
  }

  public static void main(String[] argv) throws IOException {
    Args a = Args.parse(argv);
    int size = a.getInt("size", 1024);
    int conns = a.getInt("conns", 8);
    double warmup = a.getDouble("warmup", 10);
    double duration = a.getDouble("duration", 2.5);
    int rounds = a.getInt("rounds", 3);
    String run = a.get("run", "run");
    Path out = Path.of(a.get("out", "echo-results.tsv"));
    EchoClient client =
        new EchoClient(
            a.get("host", "127.0.0.1"),
            size,
            conns,
            a.getDouble("clk-tck", 100),
            a.getInt("read-size", 1024 * 1024));
    List<Target> targets = new ArrayList<>();
    for (String s : a.operands()) {
      targets.add(Target.parse(s));
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no targets (NAME:PORT:PID ...)");
    }
    if (!Files.exists(out)) {
      Files.writeString(out, HEADER + "\n", StandardCharsets.UTF_8);
    }
    try (PrintWriter w =
        new PrintWriter(
            Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.APPEND), true)) {
      client.runAll(run, targets, warmup, duration, rounds, w);
    }
  }

  private void runAll(
      String run, List<Target> targets, double warmup, double duration, int rounds, PrintWriter w) {
    List<Target> live = new ArrayList<>();
    for (Target t : targets) {
      String problem = verify(t);
      if (problem == null) {
        live.add(t);
      } else {
        log("%-24s FAILED the correctness check: %s", t.name(), problem);
        w.println(line(run, t, "check", new Result(0, 0, 0, 0, 0, 0, "check-failed: " + problem, 0, 0)));
      }
    }
    for (Target t : live) {
      Result r = measure(t, warmup);
      log("%-24s warm-up %5.1f s: %,10.0f req/s  %s", t.name(), warmup, r.rate(), r.status());
      w.println(line(run, t, "warmup", r));
    }
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < live.size(); i++) {
        Target t = live.get((i + round) % live.size());
        Result r = measure(t, duration);
        log(
            "%-24s round %d: %,10.0f req/s  server %5.1f us/req (%4.1f user, %3.0f%% cpu)  client %3.0f%% cpu"
                + "  %.1f reads/req  max rtt %6.1f ms%s%s",
            t.name(),
            round + 1,
            r.rate(),
            r.requests() > 0 ? r.serverCpu() * 1e6 / r.requests() : 0.0,
            r.requests() > 0 ? r.serverUser() * 1e6 / r.requests() : 0.0,
            r.seconds() > 0 ? 100 * r.serverCpu() / r.seconds() : 0.0,
            r.seconds() > 0 ? 100 * r.clientCpu() / r.seconds() : 0.0,
            r.requests() > 0 ? (double) r.reads() / r.requests() : 0.0,
            r.maxRttMs(),
            r.stalls() > 0 ? "  STALLS " + r.stalls() : "",
            r.status().equals("ok") ? "" : "  " + r.status());
        w.println(line(run, t, Integer.toString(round + 1), r));
      }
    }
  }

  private String line(String run, Target t, String round, Result r) {
    return String.format(
        Locale.ROOT,
        "%s\t%d\t%d\t%s\t%s\t%d\t%.4f\t%.1f\t%.3f\t%.3f\t%.2f\t%d\t%s\t%.3f\t%d",
        run,
        size,
        conns,
        t.name(),
        round,
        r.requests(),
        r.seconds(),
        r.rate(),
        r.serverCpu(),
        r.clientCpu(),
        r.maxRttMs(),
        r.stalls(),
        r.status().replace('\t', ' ').replace('\n', ' '),
        r.serverUser(),
        r.reads());
  }

  /** Sends random bytes a few times on one connection and compares the echo; null when right. */
  private String verify(Target t) {
    SplittableRandom random = new SplittableRandom(size);
    try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, t.port()))) {
      ch.socket().setSoTimeout(10_000);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      for (int i = 0; i < 3; i++) {
        byte[] sent = new byte[size];
        for (int j = 0; j < size - 1; j++) {
          sent[j] = (byte) ('a' + random.nextInt(26));
        }
        sent[size - 1] = '\n';
        // A blocking channel: a writer thread keeps big messages from deadlocking on full buffers.
        Thread writer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        ByteBuffer b = ByteBuffer.wrap(sent);
                        while (b.hasRemaining()) {
                          ch.write(b);
                        }
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    });
        byte[] got = new byte[size];
        var in = ch.socket().getInputStream();
        int n = 0;
        while (n < size) {
          int k = in.read(got, n, size - n);
          if (k < 0) {
            return "the server closed the connection after " + n + " of " + size + " bytes";
          }
          n += k;
        }
        writer.join();
        if (!Arrays.equals(sent, got)) {
          return "the echo differs from what was sent";
        }
      }
      return null;
    } catch (IOException | UncheckedIOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /** One connection's state. */
  private final class Conn {
    final SocketChannel ch;
    final ByteBuffer out = message.duplicate();
    SelectionKey key;
    int ops;
    int received;
    long sentAt;

    Conn(SocketChannel ch) {
      this.ch = ch;
    }

    void send(long now) throws IOException {
      out.clear();
      received = 0;
      sentAt = now;
      ch.write(out);
      setOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    void setOps(int value) {
      if (ops != value) {
        ops = value;
        key.interestOps(value);
      }
    }
  }

  /** The state of one measurement, touched by the selection callback. */
  private final class Load {
    long completed;
    long reads;
    long maxRtt;
    long lastProgress;
    int stalls;
    boolean sending = true;
    int busy;
    String error;

    void onKey(SelectionKey key) {
      Conn c = (Conn) key.attachment();
      try {
        if (key.isWritable()) {
          c.ch.write(c.out);
          if (!c.out.hasRemaining()) {
            c.setOps(SelectionKey.OP_READ);
          }
        }
        if (key.isReadable()) {
          int n = c.ch.read(readBuffer.clear());
          if (n < 0) {
            throw new IOException("the server closed a connection");
          }
          if (n > 0) {
            reads++;
          }
          c.received += n;
          if (c.received >= size) {
            if (c.received > size) {
              throw new IOException("echo longer than the message: " + c.received + " > " + size);
            }
            long now = System.nanoTime();
            completed++;
            long rtt = now - c.sentAt;
            if (rtt > maxRtt) {
              maxRtt = rtt;
            }
            if (now - lastProgress > STALL_NANOS) {
              stalls++;
            }
            lastProgress = now;
            if (sending) {
              c.send(now);
            } else {
              busy--;
            }
          }
        }
      } catch (IOException e) {
        if (error == null) {
          error = e.getMessage();
        }
      }
    }
  }

  /** Runs the load for {@code seconds} after a lead-in and returns what was counted. */
  private Result measure(Target t, double seconds) {
    List<Conn> cs = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      try {
        for (int i = 0; i < conns; i++) {
          SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, t.port()));
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          ch.configureBlocking(false);
          Conn c = new Conn(ch);
          c.key = ch.register(selector, 0, c);
          cs.add(c);
        }
        Load load = new Load();
        long now = System.nanoTime();
        load.lastProgress = now;
        for (Conn c : cs) {
          c.send(now);
        }
        load.busy = cs.size();
        long leadInEnd = now + LEAD_IN_NANOS;
        pump(selector, load, leadInEnd);
        long startCompleted = load.completed;
        long startReads = load.reads;
        long[] serverStart = cpuTicks(t.pid());
        long[] clientStart = cpuTicks(ProcessHandle.current().pid());
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        load.maxRtt = 0;
        load.stalls = 0;
        load.lastProgress = start;
        pump(selector, load, end);
        long stop = System.nanoTime();
        long[] serverEnd = cpuTicks(t.pid());
        long[] clientEnd = cpuTicks(ProcessHandle.current().pid());
        long requests = load.completed - startCompleted;
        long reads = load.reads - startReads;
        // A window with no echo at its end is a stall too.
        if (stop - load.lastProgress > STALL_NANOS) {
          load.stalls++;
        }
        load.sending = false;
        long drainEnd = System.nanoTime() + DRAIN_NANOS;
        while (load.busy > 0 && load.error == null && System.nanoTime() < drainEnd) {
          selector.select(load::onKey, 50);
        }
        String status = "ok";
        if (load.error != null) {
          status = "error: " + load.error;
        } else if (load.busy > 0) {
          status = "stuck: " + load.busy + " requests unanswered " + DRAIN_NANOS / 1_000_000_000 + " s after the window";
        } else if (serverStart[0] < 0 || serverEnd[0] < 0) {
          status = "server process gone";
        }
        return new Result(
            requests,
            (stop - start) / 1e9,
            (serverEnd[0] + serverEnd[1] - serverStart[0] - serverStart[1]) / clkTck,
            (clientEnd[0] + clientEnd[1] - clientStart[0] - clientStart[1]) / clkTck,
            load.maxRtt / 1e6,
            load.stalls,
            status,
            (serverEnd[0] - serverStart[0]) / clkTck,
            reads);
      } finally {
        for (Conn c : cs) {
          try {
            c.ch.close();
          } catch (IOException ignored) {
            // closing after the measurement: nothing to report
          }
        }
      }
    } catch (IOException e) {
      return new Result(0, 0, 0, 0, 0, 0, "error: " + e, 0, 0);
    }
  }

  private static void pump(Selector selector, Load load, long until) throws IOException {
    while (load.error == null) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return;
      }
      selector.select(load::onKey, Math.max(1, left / 1_000_000));
    }
    throw new IOException(load.error);
  }

  /** {utime, stime} of a process in clock ticks, or {-1, -1} if it is gone. */
  private static long[] cpuTicks(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ", -1);
      // f[0] is field 3 (state); utime is field 14, stime field 15.
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    } catch (NoSuchFileException e) {
      return new long[] {-1, -1};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("AnnotateFormatMethod")
  private static void log(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }
}
