package zloop.bench.echo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns the echo matrix's results ({@link EchoClient}'s TSV) into a Markdown report and an SVG bar
 * chart drawn here, as plain text.
 *
 * <pre>
 * java -cp benchmarks.jar zloop.bench.echo.EchoReport --md echo.md --svg echo.svg \
 *     results.tsv [other-pass.tsv ...]
 * </pre>
 *
 * A cell is one message size at one connection count. Each cell shows every server's best req/s,
 * its server CPU µs per echo, the ratio to Netty's best transport in that cell, and the ratio to the
 * C server of the same model ({@link #cReference}: io_uring servers against {@code c-io_uring},
 * the readiness servers — epoll, kqueue, NIO — against {@code c-epoll}).
 *
 * <p>The first results file is the report's; each further one is another pass of the same matrix, shown
 * beside it for the cells both have (best req/s of each pass and how far apart they are). {@code
 * --meta} is {@code key: value} lines (command, machine, load averages, settings) printed at the top;
 * without it they come from the first results file's {@code # key: value} lines, which {@code
 * scripts/bench} writes there, so a report can be made again from its TSV alone. {@code --append}
 * adds a Markdown file at the end; {@code --readme-table} writes the matrix tables alone to a file.
 */
public final class EchoReport {
  private EchoReport() {}

  /** One cell of the matrix: a message size at a connection count, ordered by size then count. */
  record Key(int size, int conns) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return size != o.size ? Integer.compare(size, o.size) : Integer.compare(conns, o.conns);
    }

    String label() {
      return sizeName(size) + " × " + conns + " conns";
    }
  }

  /**
   * The C server of the same model as {@code server}: {@code c-io_uring} for io_uring servers,
   * {@code c-epoll} for the readiness ones (epoll, kqueue, NIO); a row measured by another client
   * ({@code <id>@java}) is compared with the C server under that client.
   */
  static String cReference(String server) {
    int at = server.indexOf('@');
    String client = at < 0 ? "" : server.substring(at);
    return (server.contains("io_uring") ? "c-io_uring" : "c-epoll") + client;
  }

  /** One measured round. */
  record Row(
      String run,
      int size,
      int conns,
      String server,
      String round,
      long requests,
      double seconds,
      double rate,
      double serverCpu,
      double clientCpu,
      double maxRttMs,
      int stalls,
      String status,
      double serverUser,
      long reads) {
    static Row parse(String line) {
      String[] f = line.split("\t", -1);
      return new Row(
          f[0],
          Integer.parseInt(f[1]),
          Integer.parseInt(f[2]),
          f[3],
          f[4],
          Long.parseLong(f[5]),
          Double.parseDouble(f[6]),
          Double.parseDouble(f[7]),
          Double.parseDouble(f[8]),
          Double.parseDouble(f[9]),
          Double.parseDouble(f[10]),
          Integer.parseInt(f[11]),
          f[12],
          f.length > 13 ? Double.parseDouble(f[13]) : Double.NaN,
          f.length > 14 ? Long.parseLong(f[14]) : -1);
    }

    boolean measured() {
      return round.chars().allMatch(Character::isDigit);
    }

    double cpuPerRequestUs() {
      return requests > 0 ? serverCpu * 1e6 / requests : Double.NaN;
    }

    double userPerRequestUs() {
      return requests > 0 ? serverUser * 1e6 / requests : Double.NaN;
    }

    double readsPerRequest() {
      return requests > 0 && reads >= 0 ? (double) reads / requests : Double.NaN;
    }
  }

  /** What the report shows for one server at one size. */
  record Cell(
      String server,
      int size,
      int rounds,
      double best,
      double min,
      double median,
      double cpuUs,
      double userUs,
      double serverCpuShare,
      double clientCpuShare,
      double clientCpuUs,
      double clientReads,
      double maxRttMs,
      int stalls,
      String status) {
    double spread() {
      return best > 0 ? (best - min) / best : Double.NaN;
    }
  }

  /** All cells of one results file, by size then server, in the order they first appear. */
  static final class Table {
    final String name;
    String run;
    final Map<String, String> meta = new LinkedHashMap<>();
    final Map<Key, Map<String, Cell>> byKey = new LinkedHashMap<>();
    final List<String> servers = new ArrayList<>();
    final TreeSet<Key> keys = new TreeSet<>();
    final TreeSet<Integer> sizes = new TreeSet<>();
    final TreeSet<Integer> connCounts = new TreeSet<>();
    int rounds;

    Table(String name) {
      this.name = name;
    }

    Cell cell(Key k, String server) {
      Map<String, Cell> m = byKey.get(k);
      return m == null ? null : m.get(server);
    }

    /** Netty's best transport in this cell (the highest best req/s), or null without Netty. */
    Cell nettyBest(Key k) {
      Cell best = null;
      for (Cell c : byKey.getOrDefault(k, Map.of()).values()) {
        if (c.server().startsWith("netty-") && c.best() > 0 && (best == null || c.best() > best.best())) {
          best = c;
        }
      }
      return best;
    }

    double ratioToNetty(Key k, String server) {
      return ratio(cell(k, server), nettyBest(k));
    }

    double ratioToC(Key k, String server) {
      return ratio(cell(k, server), cell(k, cReference(server)));
    }

    /** CPU µs per echo against the C server of the same model (above 1: costs more). */
    double cpuRatioToC(Key k, String server) {
      Cell c = cell(k, server);
      Cell r = cell(k, cReference(server));
      return c == null || r == null || !(r.cpuUs() > 0) ? Double.NaN : c.cpuUs() / r.cpuUs();
    }

    private static double ratio(Cell c, Cell base) {
      return c == null || base == null || base.best() <= 0 || c.rounds() == 0
          ? Double.NaN
          : c.best() / base.best();
    }
  }

  public static void main(String[] argv) throws IOException {
    Args a = Args.parse(argv);
    if (a.operands().isEmpty()) {
      throw new IllegalArgumentException("no results file");
    }
    List<Table> passes = new ArrayList<>();
    for (String f : a.operands()) {
      passes.add(load(Path.of(f)));
    }
    Map<String, String> meta = new LinkedHashMap<>(passes.get(0).meta);
    if (a.has("meta")) {
      for (String l : Files.readAllLines(Path.of(a.get("meta", "")), StandardCharsets.UTF_8)) {
        int i = l.indexOf(':');
        if (i > 0) {
          meta.put(l.substring(0, i).trim(), l.substring(i + 1).trim());
        }
      }
    }
    String svgName =
        a.get("svg-name", a.has("svg") ? Path.of(a.get("svg", "")).getFileName().toString() : null);
    String md = markdown(passes, meta, svgName);
    if (a.has("append")) {
      md += Files.readString(Path.of(a.get("append", "")), StandardCharsets.UTF_8);
    }
    if (a.has("md")) {
      Files.writeString(Path.of(a.get("md", "")), md, StandardCharsets.UTF_8);
    }
    if (a.has("svg")) {
      Files.writeString(
          Path.of(a.get("svg", "")),
          svg(passes.get(0), meta.getOrDefault("title", "zloop echo benchmark")),
          StandardCharsets.UTF_8);
    }
    if (a.has("readme-table")) {
      // The README shows the build as it is: the older build's rows stay in the report.
      Files.writeString(Path.of(a.get("readme-table", "")), matrixTables(passes.get(0), false), StandardCharsets.UTF_8);
    }
    System.out.print(md);
  }

  static Table load(Path file) throws IOException {
    Map<Key, Map<String, List<Row>>> rows = new LinkedHashMap<>();
    String fileName = file.getFileName().toString();
    Table t = new Table(fileName.endsWith(".tsv") ? fileName.substring(0, fileName.length() - 4) : fileName);
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (l.startsWith("#")) {
        int i = l.indexOf(':');
        if (i > 0) {
          t.meta.put(l.substring(1, i).trim(), l.substring(i + 1).trim());
        }
        continue;
      }
      if (l.isBlank() || l.startsWith("run\t")) {
        continue;
      }
      Row r = Row.parse(l);
      if (t.run == null) {
        t.run = r.run();
      }
      if (!t.servers.contains(r.server())) {
        t.servers.add(r.server());
      }
      Key key = new Key(r.size(), r.conns());
      t.keys.add(key);
      t.sizes.add(r.size());
      t.connCounts.add(r.conns());
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>())
          .computeIfAbsent(r.server(), k -> new ArrayList<>())
          .add(r);
    }
    for (var byKey : rows.entrySet()) {
      Map<String, Cell> cells = new LinkedHashMap<>();
      for (var e : byKey.getValue().entrySet()) {
        cells.put(e.getKey(), cell(byKey.getKey().size(), e.getKey(), e.getValue()));
        t.rounds = Math.max(t.rounds, cells.get(e.getKey()).rounds());
      }
      t.byKey.put(byKey.getKey(), cells);
    }
    return t;
  }

  private static Cell cell(int size, String server, List<Row> rows) {
    List<Row> m = rows.stream().filter(Row::measured).toList();
    String status =
        rows.stream()
            .map(Row::status)
            .filter(s -> !s.equals("ok"))
            .findFirst()
            .orElse("ok");
    List<Row> ok = m.stream().filter(r -> r.requests() > 0).toList();
    if (ok.isEmpty()) {
      return new Cell(
          server, size, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, 0, 0, status);
    }
    Row best = ok.get(0);
    for (Row r : ok) {
      if (r.rate() > best.rate()) {
        best = r;
      }
    }
    double[] rates = ok.stream().mapToDouble(Row::rate).sorted().toArray();
    double[] cpu = ok.stream().mapToDouble(Row::cpuPerRequestUs).sorted().toArray();
    double[] user = ok.stream().mapToDouble(Row::userPerRequestUs).sorted().toArray();
    double[] cli =
        ok.stream().mapToDouble(r -> r.clientCpu() * 1e6 / r.requests()).sorted().toArray();
    double[] reads = ok.stream().mapToDouble(Row::readsPerRequest).sorted().toArray();
    return new Cell(
        server,
        size,
        ok.size(),
        rates[rates.length - 1],
        rates[0],
        median(rates),
        median(cpu),
        median(user),
        best.seconds() > 0 ? best.serverCpu() / best.seconds() : Double.NaN,
        best.seconds() > 0 ? best.clientCpu() / best.seconds() : Double.NaN,
        median(cli),
        median(reads),
        m.stream().mapToDouble(Row::maxRttMs).max().orElse(0),
        m.stream().mapToInt(Row::stalls).sum(),
        status);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static String displayName(String id) {
    if (id.startsWith("zloop-")) {
      return "zloop " + id.substring(6).replace('-', ' ');
    }
    if (id.startsWith("netty-")) {
      return "Netty " + id.substring(6);
    }
    if (id.equals("jdk-nio")) {
      return "JDK NIO (plain Selector)";
    }
    if (id.startsWith("c-")) {
      String rest = id.substring(2);
      return "C " + (rest.contains("@") ? rest.replace("@", " (the limit)@") : rest + " (the limit)");
    }
    return id;
  }

  static String sizeName(int size) {
    return size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
  }

  @SuppressWarnings("AnnotateFormatMethod")
  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "–" : fmt("%,.0f", v);
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "–" : fmt("%.2f×", r);
  }

  private static String us(double v) {
    return Double.isNaN(v) ? "–" : v >= 100 ? fmt("%.0f", v) : fmt("%.1f", v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "–" : fmt("%.0f%%", 100 * v);
  }

  /**
   * Servers measured twice in the run ({@code scripts/bench --before}): each {@code <id>-before}
   * row (an older build) beside {@code <id>}, per cell: best req/s and CPU µs per echo, after over
   * before. Empty when the run has no such pairs.
   */
  static String beforeAfter(Table t) {
    List<String> pairs = new ArrayList<>();
    for (String server : t.servers) {
      if (server.endsWith(BEFORE) && t.servers.contains(server.substring(0, server.length() - BEFORE.length()))) {
        pairs.add(server.substring(0, server.length() - BEFORE.length()));
      }
    }
    if (pairs.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("## Before and after, in this run\n\n");
    b.append(
        "Rows \"before\" ran from an older build (the `before` line above), measured round-robin"
            + " with the others. req/s after ÷ before (above 1: faster now) and CPU µs per echo"
            + " after ÷ before (below 1: cheaper now).\n\n");
    b.append("| cell | server | req/s before | req/s after | req/s × | CPU µs before | CPU µs after | CPU × |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Key k : t.keys) {
      for (String server : pairs) {
        Cell after = t.cell(k, server);
        Cell before = t.cell(k, server + BEFORE);
        if (after == null || before == null || after.rounds() == 0 || before.rounds() == 0) {
          continue;
        }
        b.append(
            fmt(
                "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
                k.label(),
                displayName(server),
                num(before.best()),
                num(after.best()),
                ratio(after.best() / before.best()),
                us(before.cpuUs()),
                us(after.cpuUs()),
                ratio(after.cpuUs() / before.cpuUs())));
      }
    }
    return b.append('\n').toString();
  }

  private static final String BEFORE = "-before";

  /**
   * The matrix as the README shows it: one table per connection count, a column group per size
   * (best req/s, × Netty's best transport, × the C server of the same model, CPU µs per echo).
   */
  static String matrixTables(Table t, boolean withBefore) {
    StringBuilder b = new StringBuilder();
    for (int conns : t.connCounts) {
      b.append("**").append(conns).append(" connections**\n\n| server |");
      for (int s : t.sizes) {
        String n = sizeName(s);
        b.append(fmt(" %1$s req/s | %1$s × Netty | %1$s × C | %1$s CPU µs/req |", n));
      }
      b.append("\n| --- |");
      for (int ignored : t.sizes) {
        b.append(" ---: | ---: | ---: | ---: |");
      }
      b.append('\n');
      for (String server : t.servers) {
        if (!withBefore && server.endsWith(BEFORE)) {
          continue;
        }
        b.append("| ").append(displayName(server)).append(" |");
        for (int s : t.sizes) {
          Key k = new Key(s, conns);
          Cell c = t.cell(k, server);
          if (c == null) {
            b.append(" | | | |");
          } else if (c.rounds() == 0) {
            b.append(" failed | – | – | – |");
          } else {
            b.append(
                fmt(
                    " %s | %s | %s | %s |",
                    num(c.best()),
                    ratio(t.ratioToNetty(k, server)),
                    ratio(t.ratioToC(k, server)),
                    us(c.cpuUs())));
          }
        }
        b.append('\n');
      }
      b.append('\n');
    }
    return b.toString();
  }

  static String markdown(List<Table> passes, Map<String, String> meta, String svgName) {
    Table t = passes.get(0);
    StringBuilder b = new StringBuilder();
    b.append("# ").append(meta.getOrDefault("title", "zloop echo benchmark")).append("\n\n");
    for (var e : meta.entrySet()) {
      if (!e.getKey().equals("title")) {
        b.append("- **").append(e.getKey()).append("**: ").append(e.getValue()).append('\n');
      }
    }
    b.append('\n');
    if (svgName != null) {
      b.append("![echo benchmark chart](").append(svgName).append(")\n\n");
    }
    b.append(
        fmt(
            "## req/s (best of %d rounds), the ratios to Netty's best and to the C server, and server CPU µs per request\n\n",
            t.rounds));
    b.append(
        "uvloop's echo protocol. req/s: the best round; × Netty: that best divided by the best of"
            + " Netty's transports in the same cell (size and connection count); × C: divided by the C"
            + " server of the same model (io_uring servers by C io_uring, epoll, kqueue and NIO"
            + " servers by C epoll). CPU µs/req: the server process's utime+stime per echoed"
            + " message, median of the rounds (lower is better; it includes the server's JIT and"
            + " GC threads).\n\n");
    b.append(matrixTables(t, true)).append('\n');
    b.append(beforeAfter(t));
    for (Key k : t.keys) {
      b.append("### ").append(k.label()).append(" in detail\n\n");
      b.append(
          "| server | best req/s | × Netty best | × C same model | CPU × C | median req/s | min req/s | spread (best−min)/best"
              + " | server CPU µs/req | of it user | server CPU busy (best round) | client CPU µs/req |"
              + " client CPU busy (best round) | client reads/req | max RTT ms | stalls | status |\n");
      b.append(
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
              + " ---: | ---: | --- |\n");
      for (String server : t.servers) {
        Cell c = t.cell(k, server);
        if (c == null) {
          continue;
        }
        b.append(
            fmt(
                "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %d | %s |\n",
                displayName(server),
                num(c.best()),
                ratio(t.ratioToNetty(k, server)),
                ratio(t.ratioToC(k, server)),
                ratio(t.cpuRatioToC(k, server)),
                num(c.median()),
                num(c.min()),
                pct(c.spread()),
                us(c.cpuUs()),
                us(c.userUs()),
                pct(c.serverCpuShare()),
                us(c.clientCpuUs()),
                pct(c.clientCpuShare()),
                Double.isNaN(c.clientReads()) ? "–" : fmt("%.1f", c.clientReads()),
                c.maxRttMs(),
                c.stalls(),
                c.status()));
      }
      b.append('\n');
    }
    for (int p = 1; p < passes.size(); p++) {
      Table o = passes.get(p);
      for (Key k : t.keys) {
        if (!o.keys.contains(k)) {
          continue;
        }
        String tn = t.run != null && o.run != null && !t.run.equals(o.run) ? t.run : t.name;
        String on = t.run != null && o.run != null && !t.run.equals(o.run) ? o.run : o.name;
        b.append(fmt("### %s: this pass (`%s`) beside `%s` (%s.tsv)\n\n", k.label(), tn, on, o.name));
        b.append(
            fmt(
                "| server | best req/s, `%1$s` | best req/s, `%2$s` | `%1$s` vs `%2$s` | × Netty best,"
                    + " `%1$s` | × Netty best, `%2$s` | CPU µs/req, `%1$s` | CPU µs/req, `%2$s` |\n",
                tn,
                on));
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (String server : t.servers) {
          Cell c = t.cell(k, server);
          Cell d = o.cell(k, server);
          if (c == null || d == null) {
            continue;
          }
          double diff = c.best() > 0 && d.best() > 0 ? (c.best() - d.best()) / d.best() : Double.NaN;
          b.append(
              fmt(
                  "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
                  displayName(server),
                  num(c.best()),
                  num(d.best()),
                  Double.isNaN(diff) ? "–" : fmt("%+.0f%%", 100 * diff),
                  ratio(t.ratioToNetty(k, server)),
                  ratio(o.ratioToNetty(k, server)),
                  us(c.cpuUs()),
                  us(d.cpuUs())));
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  private static String color(String server) {
    if (server.startsWith("zloop-epoll")) {
      return "#1f77b4";
    }
    if (server.startsWith("zloop-io_uring")) {
      return "#2ca02c";
    }
    if (server.startsWith("zloop-nio")) {
      return "#17becf";
    }
    if (server.startsWith("netty-")) {
      return "#ff7f0e";
    }
    if (server.startsWith("c-")) {
      return "#d62728";
    }
    return "#7f7f7f";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** One panel per size: req/s bars (with a min–max whisker) left, CPU µs/req bars right. */
  static String svg(Table t, String title) {
    int labelW = 190;
    int barW = 400;
    int gap = 190;
    int cpuW = 200;
    int rowH = 18;
    int width = labelW + barW + gap + cpuW + 110;
    int y = 40;
    StringBuilder body = new StringBuilder();
    for (Key k : t.keys) {
      Map<String, Cell> cells = t.byKey.get(k);
      double maxRate = cells.values().stream().mapToDouble(Cell::best).max().orElse(1);
      double maxCpu =
          cells.values().stream().mapToDouble(Cell::cpuUs).filter(v -> !Double.isNaN(v)).max().orElse(1);
      body.append(
          fmt(
              "<text x=\"10\" y=\"%d\" class=\"h\">%s — req/s, best of %d (whisker: worst round),"
                  + " × Netty best, × C same model</text>\n",
              y + 14,
              k.label(),
              t.rounds));
      body.append(
          fmt(
              "<text x=\"%d\" y=\"%d\" class=\"h\">server CPU µs/request (dark: user)</text>\n",
              labelW + barW + gap,
              y + 14));
      y += 24;
      for (String server : t.servers) {
        Cell c = cells.get(server);
        if (c == null) {
          continue;
        }
        body.append(
            fmt(
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                labelW - 6,
                y + 13,
                esc(displayName(server))));
        if (c.rounds() == 0) {
          body.append(fmt("<text x=\"%d\" y=\"%d\" fill=\"#c00\">failed: %s</text>\n", labelW + 4, y + 13, esc(c.status())));
          y += rowH;
          continue;
        }
        double w = barW * c.best() / maxRate;
        double wmin = barW * c.min() / maxRate;
        body.append(
            fmt(
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                labelW,
                y + 2,
                w,
                rowH - 4,
                color(server)));
        body.append(
            fmt(
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"1.5\"/>\n",
                labelW + wmin,
                y + rowH / 2,
                labelW + w,
                y + rowH / 2));
        body.append(
            fmt(
                "<text x=\"%.1f\" y=\"%d\">%s  %s N  %s C</text>\n",
                labelW + w + 4,
                y + 13,
                num(c.best()),
                ratio(t.ratioToNetty(k, server)),
                ratio(t.ratioToC(k, server))));
        if (!Double.isNaN(c.cpuUs())) {
          double cw = cpuW * c.cpuUs() / maxCpu;
          body.append(
              fmt(
                  "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" opacity=\"0.7\"/>\n",
                  labelW + barW + gap,
                  y + 2,
                  cw,
                  rowH - 4,
                  color(server)));
          if (!Double.isNaN(c.userUs())) {
            body.append(
                fmt(
                    "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                    labelW + barW + gap,
                    y + 2,
                    cpuW * Math.min(c.userUs(), c.cpuUs()) / maxCpu,
                    rowH - 4,
                    "#333"));
          }
          body.append(
              fmt(
                  "<text x=\"%.1f\" y=\"%d\">%s (%s user)</text>\n",
                  labelW + barW + gap + cw + 4,
                  y + 13,
                  us(c.cpuUs()),
                  us(c.userUs())));
        }
        y += rowH;
      }
      y += 16;
    }
    StringBuilder b = new StringBuilder();
    b.append(
        fmt(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
            width,
            y + 10,
            width,
            y + 10));
    b.append(
        "<style>text{font-family:Helvetica,Arial,sans-serif;font-size:12px;fill:#222}"
            + " .t{font-size:15px;font-weight:bold} .h{font-weight:bold}</style>\n");
    b.append(fmt("<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", width, y + 10));
    b.append(fmt("<text x=\"10\" y=\"22\" class=\"t\">%s</text>\n", esc(title)));
    b.append(body);
    b.append("</svg>\n");
    return b.toString();
  }
}
