package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.tests.BackendTest;

/**
 * The echo server of {@code scripts/echo-server}, from outside, under clients that misbehave: in
 * each mode (proto, buffered, streams) on each backend, as a separate process whose memory and
 * descriptors the kernel reports.
 *
 * <ul>
 *   <li>a client that writes without reading: the server's resident memory stays bounded (it grows
 *       by less than {@value #RSS_GROWTH_BOUND_MIB} MiB while the client pushes as much as the
 *       server accepts, up to {@value #PUSH_TARGET_MIB} MiB), and the echo is still exact;
 *   <li>200 connections reset in mid-stream, then normal clients are served;
 *   <li>5,000 connect/close cycles, after which the server's descriptors are back to what they were;
 *   <li>over TLS: garbage, plaintext, a record header followed by garbage (held open), a whole
 *       record of garbage, a corrupted record after the handshake; a good TLS client is served
 *       meanwhile and after; then 20 concurrent
 *       Python {@code ssl} clients with checksummed echoes of 256 KiB to 2 MiB.
 * </ul>
 */
@Timeout(300)
@ExtendWith(FdLeakCheck.class)
class HostileClientsTest {
  static final int RSS_GROWTH_BOUND_MIB = 64;
  static final int PUSH_TARGET_MIB = 200;
  private static final long MIB = 1 << 20;
  /** A non-reading client gives up pushing once the server took nothing for this long. */
  private static final long STALL_MILLIS = 3_000;
  private static final int RESETS = 200;
  private static final int CYCLES = 2_000;
  private static final int TLS_CLIENTS = 20;
  private static final int THREADS = 4;
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  @TempDir Path dir;

  // ================================================================ plain

  @BackendTest
  void protoModeSurvivesHostileClients(String backend) throws Exception {
    plainScenario(backend, "proto");
  }

  @BackendTest
  void bufferedModeSurvivesHostileClients(String backend) throws Exception {
    plainScenario(backend, "buffered");
  }

  @BackendTest
  void streamsModeSurvivesHostileClients(String backend) throws Exception {
    plainScenario(backend, "streams");
  }

  private void plainScenario(String backend, String mode) throws Exception {
    try (EchoServerProcess server = EchoServerProcess.start(backend, mode, null, null);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      // Warm-up: what the server opens once (and keeps) is opened before the baselines.
      echo(server.port, 256 * 1024, 1);
      resetMidStream(server.port, 2);
      cycles(pool, server.port, 20);
      Map<Integer, String> fdBaseline = server.fds();

      nonReadingClientStaysBounded(server);
      server.assertAlive("after the non-reading client");

      runAll(pool, RESETS, i -> resetMidStream(server.port, 100 + i));
      server.assertAlive("after " + RESETS + " resets");
      runAll(pool, THREADS, i -> echo(server.port, (int) MIB, 1000 + i));

      cycles(pool, server.port, CYCLES);
      server.assertAlive("after " + CYCLES + " connect/close cycles");
      echo(server.port, 64 * 1024, 2000);
      assertFdsBackTo(server, fdBaseline, "after the hostile clients");
    }
  }

  /**
   * Pushes up to {@value #PUSH_TARGET_MIB} MiB without reading, watching the server's resident
   * size; then reads the whole echo back and checks it.
   */
  private static void nonReadingClientStaysBounded(EchoServerProcess server) throws IOException {
    long base = server.rss();
    long maxGrowth = 0;
    long pushed = 0;
    CRC32 sent = new CRC32();
    byte[] block = Net.payload((int) MIB, 77);
    try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(Net.LOOPBACK4, server.port));
        Selector selector = Selector.open()) {
      ch.configureBlocking(false);
      SelectionKey key = ch.register(selector, SelectionKey.OP_WRITE);
      ByteBuffer out = ByteBuffer.wrap(block);
      long nextSample = 0;
      while (pushed < PUSH_TARGET_MIB * MIB) {
        if (!out.hasRemaining()) {
          out.clear();
        }
        int at = out.position();
        int n = ch.write(out);
        if (n > 0) {
          sent.update(block, at, n);
          pushed += n;
        } else {
          selector.selectedKeys().clear();
          if (selector.select(STALL_MILLIS) == 0) {
            break; // the server stopped reading: what it holds is all it will hold
          }
        }
        if (pushed >= nextSample) {
          maxGrowth = Math.max(maxGrowth, server.rss() - base);
          nextSample += 4 * MIB;
        }
      }
      maxGrowth = Math.max(maxGrowth, server.rss() - base);
      assertTrue(
          maxGrowth < RSS_GROWTH_BOUND_MIB * MIB,
          server.description
              + ": a client pushed "
              + Net.size(pushed)
              + " without reading and the server's resident memory grew by "
              + Net.size(maxGrowth)
              + " (bound "
              + RSS_GROWTH_BOUND_MIB
              + " MiB)");

      // Now read: the echo must be exactly what was pushed.
      ch.shutdownOutput();
      key.interestOps(SelectionKey.OP_READ);
      ByteBuffer in = ByteBuffer.allocate((int) MIB);
      CRC32 got = new CRC32();
      long received = 0;
      while (true) {
        in.clear();
        int n = ch.read(in);
        if (n < 0) {
          break;
        }
        if (n == 0) {
          selector.selectedKeys().clear();
          if (selector.select(READ_TIMEOUT_MILLIS) == 0) {
            fail(server.description + ": the echo stalled after " + Net.size(received) + " of " + Net.size(pushed));
          }
          continue;
        }
        got.update(in.array(), 0, n);
        received += n;
      }
      assertEquals(pushed, received, server.description + ": bytes echoed to the non-reading client");
      assertEquals(sent.getValue(), got.getValue(), server.description + ": CRC32 of the echo");
    }
  }

  /** Writes a little, reads a little of the echo, and resets the connection (RST). */
  private static void resetMidStream(int port, long seed) throws IOException {
    Socket s = connect(port);
    try {
      OutputStream out = s.getOutputStream();
      out.write(Net.payload(128 * 1024, seed));
      out.flush();
      byte[] b = new byte[4096];
      int n = s.getInputStream().read(b);
      assertTrue(n > 0, "the echo started before the reset");
    } finally {
      s.setSoLinger(true, 0); // close() now sends RST, with bytes unread both ways
      s.close();
    }
  }

  /** Connects and closes at once, {@code count} times over the pool's threads. */
  private static void cycles(ExecutorService pool, int port, int count) throws Exception {
    int perThread = count / THREADS;
    runAll(
        pool,
        THREADS,
        t -> {
          for (int i = 0; i < perThread + (t < count % THREADS ? 1 : 0); i++) {
            connect(port).close();
          }
        });
  }

  /** A checksummed echo of {@code size} bytes, written by one thread while this one reads. */
  private static void echo(int port, int size, long seed) throws Exception {
    try (Socket s = connect(port)) {
      echoOver(s, size, seed);
      s.shutdownOutput();
      assertEquals(-1, s.getInputStream().read(), "the server closes after the client's EOF");
    }
  }

  private static void echoOver(Socket s, int size, long seed) throws Exception {
    byte[] payload = Net.payload(size, seed);
    Thread writer =
        Thread.ofPlatform()
            .name("echo-writer")
            .start(
                () -> {
                  try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < size; off += 64 * 1024) {
                      out.write(payload, off, Math.min(64 * 1024, size - off));
                    }
                    out.flush();
                  } catch (IOException e) {
                    // the reading side reports the failure
                  }
                });
    try {
      InputStream in = s.getInputStream();
      byte[] got = in.readNBytes(size);
      assertEquals(size, got.length, "echoed bytes");
      assertEquals(Net.crc(payload), Net.crc(got), "CRC32 of the echo");
    } finally {
      writer.join(TimeUnit.SECONDS.toMillis(60));
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(Net.LOOPBACK4, port), READ_TIMEOUT_MILLIS);
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  // ================================================================ TLS

  @BackendTest
  void tlsProtoModeSurvivesHostileClients(String backend) throws Exception {
    tlsScenario(backend, "proto");
  }

  @BackendTest
  void tlsBufferedModeSurvivesHostileClients(String backend) throws Exception {
    tlsScenario(backend, "buffered");
  }

  @BackendTest
  void tlsStreamsModeSurvivesHostileClients(String backend) throws Exception {
    tlsScenario(backend, "streams");
  }

  private void tlsScenario(String backend, String mode) throws Exception {
    TlsSupport.warmUp();
    TlsCerts certs = TlsCerts.get();
    String python = TlsSupport.python();
    SSLContext client = certs.clientContext();
    try (EchoServerProcess server =
        EchoServerProcess.start(backend, mode, certs.pem("server"), certs.key("server"))) {
      tlsEcho(client, server.port, 64 * 1024, 1);
      expectClosed(server, "garbage", garbage(4096, 3));
      Map<Integer, String> fdBaseline = server.fds();

      expectClosed(server, "garbage", garbage(4096, 4));
      expectClosed(server, "plaintext HTTP", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // A handshake record header announcing 512 bytes, then 64 bytes of garbage, held open:
      // the server waits for the rest of that record, and must serve the next client meanwhile.
      try (Socket partial = connect(server.port)) {
        byte[] header = {0x16, 0x03, 0x01, 0x02, 0x00};
        partial.getOutputStream().write(header);
        partial.getOutputStream().write(garbage(64, 5));
        tlsEcho(client, server.port, 256 * 1024, 6);
      }
      // A whole record of garbage: a handshake record whose body is no handshake message.
      byte[] record = new byte[5 + 64];
      System.arraycopy(new byte[] {0x16, 0x03, 0x03, 0x00, 0x40}, 0, record, 0, 5);
      System.arraycopy(garbage(64, 7), 0, record, 5, 64);
      expectClosed(server, "a record of garbage", record);
      tlsEcho(client, server.port, 256 * 1024, 8);
      corruptAfterHandshake(server, client);
      tlsEcho(client, server.port, 64 * 1024, 9);

      Path driver = Subprocess.resource("/peers/tls_echo_clients.py", dir);
      try (Subprocess p =
          Subprocess.start(
              List.of(
                  python, driver.toString(), "127.0.0.1", String.valueOf(server.port), String.valueOf(TLS_CLIENTS),
                  String.valueOf(256 * 1024), String.valueOf(2 * MIB), "11", certs.ca().toString()))) {
        String result = p.expect("RESULT");
        assertEquals(0, p.waitFor(), "the driver's exit code");
        assertEquals(
            "RESULT ok=" + TLS_CLIENTS + " failed=0 eof_after_handshake=0",
            result,
            server.description + ": " + TLS_CLIENTS + " concurrent Python ssl clients:\n" + p.output());
      }
      tlsEcho(client, server.port, 64 * 1024, 12);
      server.assertAlive("after the TLS clients");
      assertFdsBackTo(server, fdBaseline, "after the hostile TLS clients");
    }
  }

  /**
   * Random bytes that are no TLS record: the first byte is no content type, and the third is
   * neither 1 nor 4, which with the high bit of the first would read as an SSLv2 hello header
   * announcing a ~28 KiB message (a partial record: the server rightly waits for the rest, up to
   * its handshake timeout, as it does for the held-open header below).
   */
  private static byte[] garbage(int size, long seed) {
    byte[] b = Net.payload(size, seed);
    b[0] = (byte) 0xEE;
    b[2] = 0x00;
    return b;
  }

  /** Sends {@code bytes} and expects the server to end the connection (EOF, or a reset). */
  private static void expectClosed(EchoServerProcess server, String what, byte[] bytes) throws IOException {
    try (Socket s = connect(server.port)) {
      try {
        s.getOutputStream().write(bytes);
        InputStream in = s.getInputStream();
        byte[] b = new byte[4096];
        while (in.read(b) >= 0) {
          // an alert may come first
        }
      } catch (SocketTimeoutException e) {
        fail(server.description + " did not close a connection that sent " + what);
      } catch (SocketException e) {
        // reset: closed as well
      }
    }
  }

  /**
   * Completes a handshake and an echo, then writes a record of garbage under the TLS layer: the
   * server ends that connection (an alert, or EOF) rather than deliver or ignore it.
   */
  private static void corruptAfterHandshake(EchoServerProcess server, SSLContext context) throws Exception {
    try (Socket raw = connect(server.port);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, "localhost", server.port, true)) {
      s.startHandshake();
      echoOver(s, 1024, 10);
      byte[] record = new byte[5 + 64];
      System.arraycopy(new byte[] {0x17, 0x03, 0x03, 0x00, 0x40}, 0, record, 0, 5);
      System.arraycopy(garbage(64, 11), 0, record, 5, 64);
      raw.getOutputStream().write(record);
      try {
        int n = s.getInputStream().read();
        assertEquals(-1, n, server.description + ": what came after a corrupted record");
      } catch (SocketTimeoutException e) {
        fail(server.description + " kept a connection open after a corrupted record");
      } catch (IOException expected) {
        // the server's alert (javax.net.ssl.SSLException), or a reset
      }
    }
  }

  private static void tlsEcho(SSLContext context, int port, int size, long seed) throws Exception {
    try (Socket raw = connect(port);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, "localhost", port, true)) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.startHandshake();
      echoOver(s, size, seed);
    }
  }

  // ================================================================ shared

  /** Waits (bounded) until the server's descriptors are back to the baseline; fails with the extra ones. */
  private static void assertFdsBackTo(EchoServerProcess server, Map<Integer, String> baseline, String when)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<Integer, String> now = server.fds();
    while (now.size() > baseline.size() && System.nanoTime() < deadline) {
      Thread.sleep(100); // closing a connection is the server's business: poll for it, bounded
      now = server.fds();
    }
    if (now.size() > baseline.size()) {
      Map<Integer, String> extra = new TreeMap<>(now);
      extra.keySet().removeAll(baseline.keySet());
      fail(
          server.description + ": " + now.size() + " descriptors open " + when + ", " + baseline.size()
              + " before; new ones: " + extra);
    }
  }

  private interface IndexedTask {
    void run(int index) throws Exception;
  }

  /** Runs {@code count} tasks over the pool and waits for all; the first failure is rethrown. */
  private static void runAll(ExecutorService pool, int count, IndexedTask task) throws Exception {
    List<Future<?>> futures = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int index = i;
      futures.add(
          pool.submit(
              () -> {
                task.run(index);
                return null;
              }));
    }
    for (Future<?> f : futures) {
      try {
        f.get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        for (Future<?> other : futures) {
          other.cancel(true);
        }
        if (e.getCause() instanceof Exception ex) {
          throw ex;
        }
        throw new AssertionError(e.getCause());
      }
    }
  }
}
