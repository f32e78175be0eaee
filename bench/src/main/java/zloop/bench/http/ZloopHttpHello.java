package zloop.bench.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Protocol;
import zloop.Server;
import zloop.ServerOptions;
import zloop.Transport;

/**
 * HTTP/1.1 hello world on a zloop {@link Protocol}, one loop thread, for {@code scripts/bench-http}
 * (loaded with wrk, beside {@link NettyHttpHello}).
 *
 * <pre>
 * java ... zloop.bench.http.ZloopHttpHello --backend epoll|io_uring|nio --port 27301
 * </pre>
 *
 * <p>A minimal but correct keep-alive parser for bodiless requests: a request ends at the first
 * {@code "\r\n\r\n"}; pipelined requests in one read are all answered, and a partial request is kept
 * until the rest arrives. A request with a body ({@code Content-Length} above 0, or any {@code
 * Transfer-Encoding}) gets a 400 and the connection closes; so does a header block over 8 KiB.
 * {@code Connection: close} (or HTTP/1.0 without {@code Connection: keep-alive}) closes after the
 * answer. All answers to one {@code dataReceived} go out in one write. Prints {@code ready} once it
 * listens.
 */
public final class ZloopHttpHello {
  private ZloopHttpHello() {}

  static final byte[] RESPONSE =
      ("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, World!")
          .getBytes(StandardCharsets.US_ASCII);
  static final byte[] BAD_REQUEST =
      "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);
  static final int MAX_HEADER = 8 * 1024;

  public static void main(String[] argv) {
    String backend = "auto";
    String host = "127.0.0.1";
    int port = 27301;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--backend" -> backend = argv[++i];
        case "--host" -> host = argv[++i];
        case "--port" -> port = Integer.parseInt(argv[++i]);
        default -> throw new IllegalArgumentException("unknown option " + argv[i]);
      }
    }
    try (EventLoop loop = EventLoops.newEventLoop(backend)) {
      Server server =
          loop.runUntilComplete(loop.createServer(Hello::new, host, port, ServerOptions.DEFAULT));
      System.out.printf(
          Locale.ROOT,
          "ready: zloop-http %s on %s%n",
          loop.backendName(),
          server.sockets().get(0).localAddress());
      System.out.flush();
      loop.runUntilComplete(server.serveForever());
    }
  }

  /** One connection: parses requests, answers each with {@link #RESPONSE}. */
  static final class Hello implements Protocol {
    private Transport transport;
    /** The unfinished request carried over from earlier reads (flipped: read mode); or null. */
    private ByteBuffer pending;
    /** Where the answers to one read are gathered (write mode between reads). */
    private ByteBuffer out = ByteBuffer.allocateDirect(RESPONSE.length * 16);

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      if (transport.isClosing()) {
        return;
      }
      ByteBuffer in;
      if (pending != null && pending.hasRemaining()) {
        ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + data.remaining());
        joined.put(pending).put(data).flip();
        in = joined;
        pending = null;
      } else {
        in = data;
      }
      out.clear();
      boolean close = false;
      boolean bad = false;
      int limit = in.limit();
      int start = in.position();
      while (start < limit) {
        int end = parse(in, start, limit); // index just past "\r\n\r\n", or a negative code
        if (end == NEED_MORE) {
          if (limit - start > MAX_HEADER) {
            bad = true;
          }
          break;
        }
        if (end == REJECT) {
          bad = true;
          break;
        }
        if (end < 0) { // CLOSE_AFTER, encoded as -(end) - 10
          end = -end - 10;
          close = true;
        }
        append(RESPONSE);
        start = end;
        if (close) {
          break;
        }
      }
      if (bad) {
        append(BAD_REQUEST);
        close = true;
      }
      if (out.position() > 0) {
        transport.write(out.flip());
      }
      if (close) {
        pending = null;
        transport.close();
        return;
      }
      if (start < limit) {
        ByteBuffer rest = ByteBuffer.allocate(limit - start);
        rest.put(in.duplicate().limit(limit).position(start)).flip();
        pending = rest;
      }
      data.position(data.limit());
    }

    private void append(byte[] bytes) {
      if (out.remaining() < bytes.length) {
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(out.capacity() * 2, out.position() + bytes.length));
        bigger.put(out.flip());
        out = bigger;
      }
      out.put(bytes);
    }

    @Override
    public void connectionLost(Throwable exception) {
      pending = null;
    }
  }

  static final int NEED_MORE = -1;
  static final int REJECT = -2;

  /**
   * Parses the request starting at {@code start}: returns the index just past its {@code
   * "\r\n\r\n"}; {@code -(end + 10)} when the connection is to close after the answer; {@link
   * #NEED_MORE} when the header block is not complete yet; {@link #REJECT} for a body or a broken
   * request line.
   */
  static int parse(ByteBuffer in, int start, int limit) {
    // The request line.
    int eol = findCrlf(in, start, limit);
    if (eol < 0) {
      return NEED_MORE;
    }
    if (eol == start) {
      return REJECT; // an empty request line
    }
    boolean http10 = eol - start >= 8 && endsWithHttp10(in, eol);
    boolean close = http10;
    int line = eol + 2;
    while (true) {
      eol = findCrlf(in, line, limit);
      if (eol < 0) {
        return NEED_MORE;
      }
      if (eol == line) {
        int end = eol + 2;
        return close ? -(end + 10) : end;
      }
      byte first = (byte) (in.get(line) | 0x20);
      if (first == 'c') {
        if (headerIs(in, line, eol, "content-length:")) {
          long n = parseLength(in, line + 15, eol);
          if (n != 0) {
            return REJECT; // a body, or an unreadable length
          }
        } else if (headerIs(in, line, eol, "connection:")) {
          if (valueHas(in, line + 11, eol, "close")) {
            close = true;
          } else if (http10 && valueHas(in, line + 11, eol, "keep-alive")) {
            close = false;
          }
        }
      } else if (first == 't' && headerIs(in, line, eol, "transfer-encoding:")) {
        return REJECT;
      }
      line = eol + 2;
    }
  }

  /** The index of the next {@code "\r\n"} at or after {@code from}, or -1. */
  private static int findCrlf(ByteBuffer in, int from, int limit) {
    for (int i = from; i < limit - 1; i++) {
      if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static boolean endsWithHttp10(ByteBuffer in, int eol) {
    String v = "HTTP/1.0";
    for (int k = 0; k < 8; k++) {
      if (in.get(eol - 8 + k) != v.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the line starts with {@code name} (lower case, with its colon), ignoring case. */
  private static boolean headerIs(ByteBuffer in, int line, int eol, String name) {
    if (eol - line < name.length()) {
      return false;
    }
    for (int k = 0; k < name.length(); k++) {
      int c = in.get(line + k);
      if (c >= 'A' && c <= 'Z') {
        c |= 0x20;
      }
      if (c != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The decimal value after optional spaces, or -1 if it is not one. */
  private static long parseLength(ByteBuffer in, int from, int eol) {
    int i = from;
    while (i < eol && (in.get(i) == ' ' || in.get(i) == '\t')) {
      i++;
    }
    int j = eol;
    while (j > i && (in.get(j - 1) == ' ' || in.get(j - 1) == '\t')) {
      j--;
    }
    if (i == j || j - i > 18) {
      return -1;
    }
    long n = 0;
    for (; i < j; i++) {
      int c = in.get(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** Whether the comma-separated value holds {@code token} (lower case), ignoring case. */
  private static boolean valueHas(ByteBuffer in, int from, int eol, String token) {
    StringBuilder v = new StringBuilder(eol - from);
    for (int i = from; i < eol; i++) {
      v.append((char) (in.get(i) & 0xff));
    }
    for (String part : v.toString().split(",")) {
      if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
        return true;
      }
    }
    return false;
  }
}
