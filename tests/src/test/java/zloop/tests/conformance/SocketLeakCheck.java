package zloop.tests.conformance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.tests.Backends;

/**
 * Fails a test that leaves a socket open: the socket descriptors of this process after the test
 * must be a subset of those before it. Sockets only, because they are what these tests open; the
 * JVM's own lazily made descriptors are opened once by a warm-up before the first measurement. A
 * bounded grace lets peer threads finish closing.
 */
final class SocketLeakCheck implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final Path FD_DIR = Path.of("/proc/self/fd");
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SocketLeakCheck.class);
  private static final long GRACE_MILLIS = 5_000;
  private static volatile boolean warmedUp;

  private static Set<String> sockets() {
    Set<String> out = new TreeSet<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(FD_DIR)) {
      for (Path p : dir) {
        try {
          String target = Files.readSymbolicLink(p).toString();
          if (target.startsWith("socket:")) {
            out.add(target);
          }
        } catch (NoSuchFileException e) {
          // closed while listing
        } catch (IOException e) {
          // unreadable: not ours to judge
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + FD_DIR, e);
    }
    return out;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (!Files.isDirectory(FD_DIR) || warmedUp) {
      return;
    }
    // open and close what the JVM keeps for its lifetime once touched (NIO's pre-close socket,
    // the pollers of blocking socket I/O on virtual threads)
    for (String backend : Backends.availableNames()) {
      try (EventLoop loop = EventLoops.newEventLoop(backend)) {
        loop.runUntilComplete(loop.sleep(java.time.Duration.ZERO));
      }
    }
    try (ServerSocket l = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket c = new Socket(InetAddress.getLoopbackAddress(), l.getLocalPort());
        Socket a = l.accept()) {
      c.getOutputStream().write(1);
      a.getInputStream().read();
    }
    warmedUp = true;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (Files.isDirectory(FD_DIR)) {
      context.getStore(NS).put("before", sockets());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    @SuppressWarnings("unchecked")
    Set<String> before = (Set<String>) context.getStore(NS).get("before");
    if (before == null) {
      return;
    }
    long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
    Set<String> leaked;
    while (true) {
      leaked = sockets();
      leaked.removeAll(before);
      if (leaked.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(20);
    }
    if (!leaked.isEmpty()) {
      throw new AssertionError(context.getDisplayName() + " left sockets open: " + leaked);
    }
  }
}
