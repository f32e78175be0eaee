package zloop.tests.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.tests.Backends;

/**
 * Asserts that a test leaves no file descriptor behind: the open descriptors (/proc/self/fd) after
 * the test must be those before it.
 *
 * <p>The JVM opens some descriptors lazily and keeps them for its lifetime (NIO's pre-close
 * socket, the virtual-thread pollers' epoll instances, jar files as classes load). To keep the
 * check honest rather than lenient, those are opened once, before the first measurement, by a
 * warm-up that exercises the same machinery the tests do; afterwards the only descriptors excused
 * are jar files and files of the JDK itself (class loading opens them; zloop never does). A
 * socket, pipe, eventfd, epoll or io_uring instance, or ordinary file that appears during a test
 * and is still open after it is a leak.
 *
 * <p>Closing is synchronous in zloop, but a test's peer threads or child processes may still be
 * finishing when the test method returns, so the check waits (a bounded grace of a few seconds)
 * for the count to come back before it fails.
 */
final class FdLeakCheck implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final Path FD_DIR = Path.of("/proc/self/fd");
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FdLeakCheck.class);
  private static final long GRACE_MILLIS = 5_000;
  private static volatile boolean warmedUp;

  /** Whether this host has /proc/self/fd (Linux); elsewhere the check is skipped. */
  static boolean supported() {
    return Files.isDirectory(FD_DIR);
  }

  /** The open descriptors and what they point to ("socket:[123]", "anon_inode:[eventpoll]", a path). */
  static Map<Integer, String> snapshot() {
    Map<Integer, String> out = new TreeMap<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(FD_DIR)) {
      for (Path p : dir) {
        String target;
        try {
          target = Files.readSymbolicLink(p).toString();
        } catch (NoSuchFileException e) {
          continue; // closed while listing, e.g. the listing's own descriptor
        } catch (IOException e) {
          target = "?";
        }
        if (target.startsWith("/proc/")) {
          continue; // the directory stream reading /proc/self/fd
        }
        out.put(Integer.parseInt(p.getFileName().toString()), target);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + FD_DIR, e);
    }
    return out;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (supported() && !warmedUp) {
      warmUp();
      warmedUp = true;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (supported()) {
      context.getStore(NS).put("before", snapshot());
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void afterEach(ExtensionContext context) throws InterruptedException {
    if (!supported()) {
      return;
    }
    Map<Integer, String> before = (Map<Integer, String>) context.getStore(NS).get("before");
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
    List<String> leaked;
    while (true) {
      leaked = leaks(before, snapshot());
      if (leaked.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(50);
    }
    if (!leaked.isEmpty()) {
      throw new AssertionError(
          "file descriptors leaked by " + context.getDisplayName() + ": " + leaked + " (before: " + before.size() + " open)");
    }
  }

  /** Descriptors open now that were not open (to the same thing) before, minus the JVM's own. */
  static List<String> leaks(Map<Integer, String> before, Map<Integer, String> after) {
    List<String> out = new ArrayList<>();
    String javaHome = System.getProperty("java.home");
    for (Map.Entry<Integer, String> e : after.entrySet()) {
      String target = e.getValue();
      if (target.equals(before.get(e.getKey()))) {
        continue;
      }
      if (target.endsWith(".jar") || (javaHome != null && target.startsWith(javaHome))) {
        continue; // class loading: the JVM keeps jar files and its own lib files open
      }
      out.add(e.getKey() + " -> " + target);
    }
    return out;
  }

  /**
   * Opens, once, what the JVM keeps open after first use: NIO's dispatcher state and selectors,
   * the virtual-thread I/O pollers, the resolver, process launching, and every available
   * backend's loop with a connection through it (each backend's classes and lazy state).
   */
  private static void warmUp() {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      roundTrip(ss);
      Thread.ofVirtual().start(() -> roundTrip(ss)).join();
      InetAddress.getAllByName("localhost");
      Process p = new ProcessBuilder("true").start();
      p.waitFor(10, TimeUnit.SECONDS);
      p.getInputStream().close();
      p.getErrorStream().close();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new IllegalStateException("fd-check warm-up failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (java.nio.channels.Selector s = java.nio.channels.Selector.open()) {
      s.selectNow();
    } catch (IOException e) {
      throw new IllegalStateException("fd-check warm-up failed", e);
    }
    // SecureRandom (temp files, TLS) opens /dev/random and /dev/urandom once, for good.
    new java.security.SecureRandom().nextBytes(new byte[16]);
    try {
      java.nio.file.Files.delete(java.nio.file.Files.createTempFile("zloop-fd-warmup", ".tmp"));
    } catch (IOException e) {
      throw new IllegalStateException("fd-check warm-up failed", e);
    }
    for (String backend : Backends.availableNames()) {
      try (EventLoop loop = EventLoops.newEventLoop(backend)) {
        loopRoundTrip(loop);
      } catch (RuntimeException | Error e) {
        // A backend without sockets yet: the tests will say so; the warm-up only primes.
      }
    }
  }

  private static void roundTrip(ServerSocket ss) {
    try (Socket c = new Socket()) {
      c.connect(new InetSocketAddress(ss.getInetAddress(), ss.getLocalPort()));
      try (Socket a = ss.accept();
          OutputStream out = c.getOutputStream();
          InputStream in = a.getInputStream()) {
        out.write(1);
        in.read();
      }
    } catch (IOException e) {
      throw new IllegalStateException("fd-check warm-up failed", e);
    }
  }

  private static void loopRoundTrip(EventLoop loop) {
    zloop.Server server =
        Net.await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "warm-up server");
    try {
      Recorder.Plain r = new Recorder.Plain(loop);
      r.expect(1);
      var conn = Net.await(loop, loop.createConnection(() -> r, "127.0.0.1", Net.port(server)), "warm-up connect");
      conn.transport().write(new byte[] {1});
      Net.await(loop, r.gotAll, "warm-up echo");
      conn.transport().close();
      Net.await(loop, r.lost, "warm-up close");
    } finally {
      Net.shutdown(loop, server);
    }
  }
}
