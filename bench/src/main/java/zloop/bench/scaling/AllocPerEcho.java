package zloop.bench.scaling;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Heap bytes allocated per echoed message, per echo server. It starts each server itself (so it owns
 * the server's stdin and stdout), with {@code --alloc-report}, runs uvloop's echo load against it
 * (each connection sends a message, waits for the whole echo, repeats), and around each measured
 * window asks the server for its allocation counters ({@link AllocReport}): the difference divided by
 * the echoes the client counted in the window.
 *
 * <pre>
 * java -cp benchmarks.jar zloop.bench.scaling.AllocPerEcho --size 1024 --conns 8 --warmup 5 \
 *     --duration 3 --rounds 3 --out alloc.tsv --server-prefix "taskset -c 1 JAVA FLAGS -cp JAR" \
 *     'zloop-epoll-proto|zloop.bench.echo.ZloopEchoServer --backend epoll --mode proto' ...
 * </pre>
 *
 * Writes one TSV line per measurement: size, conns, server, round, echoes, seconds, loop-thread
 * bytes, all-thread bytes, their per-echo values.
 */
public final class AllocPerEcho {
  private static final long LEAD_IN_NANOS = 200_000_000L;

  private final int size;
  private final int conns;
  private final ByteBuffer message;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(1024 * 1024);

  private AllocPerEcho(int size, int conns) {
    this.size = size;
    this.conns = conns;
    byte[] m = new byte[size];
    Arrays.fill(m, (byte) 'x');
    m[size - 1] = '\n';
    this.message = ByteBuffer.allocateDirect(size).put(m).flip();
  }

  public static void main(String[] argv) throws Exception {
    int size = 1024;
    int conns = 8;
    double warmup = 5;
    double duration = 3;
    int rounds = 3;
    int port = 27300;
    Path out = Path.of("alloc.tsv");
    List<String> prefix = new ArrayList<>();
    List<String> specs = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--size" -> size = Integer.parseInt(argv[++i]);
        case "--conns" -> conns = Integer.parseInt(argv[++i]);
        case "--warmup" -> warmup = Double.parseDouble(argv[++i]);
        case "--duration" -> duration = Double.parseDouble(argv[++i]);
        case "--rounds" -> rounds = Integer.parseInt(argv[++i]);
        case "--port" -> port = Integer.parseInt(argv[++i]);
        case "--out" -> out = Path.of(argv[++i]);
        case "--server-prefix" -> prefix.addAll(List.of(argv[++i].trim().split("\\s+")));
        default -> specs.add(argv[i]);
      }
    }
    if (!Files.exists(out)) {
      Files.writeString(
          out,
          "size\tconns\tserver\tround\techoes\tseconds\tloop_bytes\ttotal_bytes\tloop_b_per_echo\ttotal_b_per_echo\n",
          StandardCharsets.UTF_8);
    }
    AllocPerEcho client = new AllocPerEcho(size, conns);
    try (PrintWriter w =
        new PrintWriter(
            Files.newBufferedWriter(out, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND),
            true)) {
      for (String spec : specs) {
        int bar = spec.indexOf('|');
        String id = spec.substring(0, bar);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(spec.substring(bar + 1).trim().split("\\s+")));
        cmd.addAll(List.of("--port", Integer.toString(port), "--alloc-report"));
        client.runServer(id, cmd, port, warmup, duration, rounds, w);
        port++;
      }
    }
  }

  private void runServer(
      String id, List<String> cmd, int port, double warmup, double duration, int rounds, PrintWriter w)
      throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      OutputStream ctl = p.getOutputStream();
      String line;
      while ((line = in.readLine()) != null && !line.startsWith("ready:")) {
        log("%s: %s", id, line);
      }
      if (line == null) {
        log("%s: exited before ready", id);
        return;
      }
      log("%s: %s", id, line);
      measure(port, warmup, null, null);
      for (int r = 1; r <= rounds; r++) {
        long[] res = measure(port, duration, ctl, in);
        long echoes = res[0];
        double seconds = res[1] / 1e9;
        long loopBytes = res[2];
        long totalBytes = res[3];
        double lpe = echoes > 0 ? (double) loopBytes / echoes : 0;
        double tpe = echoes > 0 ? (double) totalBytes / echoes : 0;
        log(
            "%-26s round %d: %,9d echoes in %.2f s (%,.0f/s)  loop threads %8.1f B/echo  all threads %8.1f B/echo",
            id, r, echoes, seconds, echoes / seconds, lpe, tpe);
        w.printf(
            Locale.ROOT,
            "%d\t%d\t%s\t%d\t%d\t%.4f\t%d\t%d\t%.2f\t%.2f%n",
            size, conns, id, r, echoes, seconds, loopBytes, totalBytes, lpe, tpe);
      }
    } finally {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** Asks the server for its counters: {loop, total}. */
  private static long[] alloc(OutputStream ctl, BufferedReader in) throws IOException {
    ctl.write('\n');
    ctl.flush();
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("alloc:")) {
        long loop = 0;
        long total = 0;
        for (String f : line.substring(6).trim().split("\\s+")) {
          if (f.startsWith("loop=")) {
            loop = Long.parseLong(f.substring(5));
          } else if (f.startsWith("total=")) {
            total = Long.parseLong(f.substring(6));
          }
        }
        return new long[] {loop, total};
      }
    }
    throw new IOException("the server closed its stdout");
  }

  /** One window of load: {echoes, nanos, loop bytes, total bytes} (bytes 0 without ctl). */
  private long[] measure(int port, double seconds, OutputStream ctl, BufferedReader in)
      throws IOException {
    List<SocketChannel> chans = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      int[] received = new int[conns];
      ByteBuffer[] outs = new ByteBuffer[conns];
      SelectionKey[] keys = new SelectionKey[conns];
      for (int i = 0; i < conns; i++) {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        chans.add(ch);
        keys[i] = ch.register(selector, SelectionKey.OP_READ, i);
        outs[i] = message.duplicate();
        send(ch, outs[i], keys[i]);
      }
      long[] completed = {0};
      long now = System.nanoTime();
      pump(selector, received, outs, completed, now + LEAD_IN_NANOS);
      long[] a0 = ctl != null ? alloc(ctl, in) : new long[2];
      long c0 = completed[0];
      long start = System.nanoTime();
      pump(selector, received, outs, completed, start + (long) (seconds * 1e9));
      long c1 = completed[0];
      long stop = System.nanoTime();
      long[] a1 = ctl != null ? alloc(ctl, in) : new long[2];
      // Let the echoes in flight come back before closing (no resets on the server's side).
      sending = false;
      long drainEnd = System.nanoTime() + 3_000_000_000L;
      while (busy(received) && System.nanoTime() < drainEnd) {
        pump(selector, received, outs, completed, System.nanoTime() + 50_000_000L);
      }
      sending = true;
      return new long[] {c1 - c0, stop - start, a1[0] - a0[0], a1[1] - a0[1]};
    } finally {
      for (SocketChannel ch : chans) {
        ch.close();
      }
    }
  }

  private boolean sending = true;

  private boolean busy(int[] received) {
    for (int r : received) {
      if (r < size) {
        return true;
      }
    }
    return false;
  }

  private static void send(SocketChannel ch, ByteBuffer out, SelectionKey key) throws IOException {
    out.clear();
    ch.write(out);
    key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  private void pump(Selector selector, int[] received, ByteBuffer[] outs, long[] completed, long until)
      throws IOException {
    IOException[] error = {null};
    while (error[0] == null) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return;
      }
      selector.select(
          key -> {
            int i = (Integer) key.attachment();
            SocketChannel ch = (SocketChannel) key.channel();
            try {
              if (key.isWritable()) {
                ch.write(outs[i]);
                if (!outs[i].hasRemaining()) {
                  key.interestOps(SelectionKey.OP_READ);
                }
              }
              if (key.isReadable()) {
                int n = ch.read(readBuffer.clear());
                if (n < 0) {
                  throw new IOException("the server closed a connection");
                }
                received[i] += n;
                if (received[i] >= size) {
                  completed[0]++;
                  if (sending) {
                    received[i] = 0;
                    send(ch, outs[i], key);
                  }
                }
              }
            } catch (IOException e) {
              error[0] = e;
            }
          },
          Math.max(1, left / 1_000_000));
    }
    throw error[0];
  }

  @SuppressWarnings("AnnotateFormatMethod")
  private static void log(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }
}
