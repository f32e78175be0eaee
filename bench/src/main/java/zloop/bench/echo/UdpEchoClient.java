package zloop.bench.echo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load client of {@code scripts/bench-udp}: several connected UDP sockets on one selector
 * thread, each keeping a window of datagrams in flight to the echo server and sending a new one
 * for each echo. A socket that hears nothing for {@value #STALL_MILLIS} ms sends its window again
 * (those datagrams count as lost). For each server: a warm-up, then one measured window; it reads
 * the server's CPU time ({@code utime + stime} of {@code /proc/PID/stat}) before and after.
 *
 * <pre>
 * java ... zloop.bench.echo.UdpEchoClient --size 64 --sockets 8 --window 8 --warmup 3 --duration 5
 *     --clk-tck 100 --out results.tsv --run full NAME:PORT:PID ...
 * </pre>
 */
public final class UdpEchoClient {
  static final String HEADER =
      "run\tsize\tsockets\twindow\tserver\trequests\tseconds\treq_per_s\tserver_cpu_s\tus_cpu_per_datagram\tlost";
  private static final long STALL_MILLIS = 200;

  private UdpEchoClient() {}

  public static void main(String[] argv) throws IOException {
    Args a = Args.parse(argv);
    int size = a.getInt("size", 64);
    int sockets = a.getInt("sockets", 8);
    int window = a.getInt("window", 8);
    double warmup = Double.parseDouble(a.get("warmup", "3"));
    double duration = Double.parseDouble(a.get("duration", "5"));
    double clkTck = Double.parseDouble(a.get("clk-tck", "100"));
    String run = a.get("run", "full");
    Path out = Path.of(a.get("out", "udp-echo.tsv"));
    for (String target : a.operands()) {
      String[] p = target.split(":", -1);
      String name = p[0];
      int port = Integer.parseInt(p[1]);
      long pid = Long.parseLong(p[2]);
      try (Load load = new Load(new InetSocketAddress("127.0.0.1", port), size, sockets, window)) {
        load.run((long) (warmup * 1e9));
        long cpu0 = cpuTicks(pid);
        long t0 = System.nanoTime();
        long n0 = load.echoes;
        long lost0 = load.lost;
        load.run((long) (duration * 1e9));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuTicks(pid) - cpu0) / clkTck;
        long n = load.echoes - n0;
        double rate = n / seconds;
        String line =
            String.format(
                Locale.ROOT,
                "%s\t%d\t%d\t%d\t%s\t%d\t%.3f\t%.0f\t%.3f\t%.3f\t%d",
                run, size, sockets, window, name, n, seconds, rate, cpu, n == 0 ? 0 : cpu * 1e6 / n,
                load.lost - lost0);
        System.err.printf(
            Locale.ROOT, "%-16s %5d B: %,10.0f echoes/s, server CPU %.2f us/datagram, lost %d%n",
            name, size, rate, n == 0 ? 0 : cpu * 1e6 / n, load.lost - lost0);
        try (PrintWriter w =
            new PrintWriter(
                Files.newBufferedWriter(out, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
          w.println(line);
        }
      }
    }
  }

  /** {@code utime + stime} of a process, in clock ticks. */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15, counted from 3
  }

  /** The sockets against one server. */
  private static final class Load implements AutoCloseable {
    private final Selector selector = Selector.open();
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final ByteBuffer out;
    private final ByteBuffer in = ByteBuffer.allocateDirect(65536);
    private final long[] lastHeard;
    private final int window;
    private final int size;
    long echoes;
    long lost;

    Load(InetSocketAddress server, int size, int sockets, int window) throws IOException {
      this.size = size;
      this.window = window;
      this.out = ByteBuffer.allocateDirect(size);
      for (int i = 0; i < size; i++) {
        out.put(i, (byte) i);
      }
      lastHeard = new long[sockets];
      for (int i = 0; i < sockets; i++) {
        DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET);
        c.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        c.configureBlocking(false);
        c.connect(server);
        c.register(selector, SelectionKey.OP_READ, i);
        channels.add(c);
        sendWindow(i);
      }
    }

    private void sendWindow(int i) throws IOException {
      for (int k = 0; k < window; k++) {
        send(channels.get(i));
      }
      lastHeard[i] = System.nanoTime();
    }

    private void send(DatagramChannel c) throws IOException {
      c.write(out.clear());
    }

    void run(long nanos) throws IOException {
      long end = System.nanoTime() + nanos;
      while (true) {
        long now = System.nanoTime();
        if (now - end >= 0) {
          return;
        }
        selector.select(
            key -> {
              DatagramChannel c = (DatagramChannel) key.channel();
              int i = (Integer) key.attachment();
              try {
                while (true) {
                  int n = c.read(in.clear());
                  if (n <= 0) {
                    break;
                  }
                  if (n != size) {
                    throw new IllegalStateException("echo of " + n + " bytes, sent " + size);
                  }
                  echoes++;
                  send(c);
                }
              } catch (IOException e) {
                lost++; // a refused port while the server starts: try again after the stall
              }
              lastHeard[i] = System.nanoTime();
            },
            50);
        now = System.nanoTime();
        for (int i = 0; i < channels.size(); i++) {
          if (now - lastHeard[i] > STALL_MILLIS * 1_000_000) {
            lost += window;
            sendWindow(i);
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      for (DatagramChannel c : channels) {
        c.close();
      }
      selector.close();
    }
  }
}
