package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.tests.conformance.Turns;

/**
 * Helpers shared by the networking conformance tests: bounded waits on a loop, deterministic
 * payloads, checksums.
 *
 * <p>Every wait is bounded ({@link #DEADLINE}) so that a backend that loses an event makes the
 * test fail with a message saying what never happened, instead of hanging the build. The bound is
 * a safety net, never an assertion about speed: nothing here measures how long anything took.
 */
final class Net {
  private Net() {}

  /** 127.0.0.1, by its bytes (no name lookup). */
  static final java.net.InetAddress LOOPBACK4 = address(new byte[] {127, 0, 0, 1});

  /** ::1, by its bytes. */
  static final java.net.InetAddress LOOPBACK6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

  private static java.net.InetAddress address(byte[] bytes) {
    try {
      return java.net.InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** How long any single awaited event may take before the test gives up on it. */
  static final Duration DEADLINE = Turns.DEADLINE;

  /** Runs the loop until the future is done (at most {@link #DEADLINE}) and returns its result. */
  static <T> T await(EventLoop loop, Future<T> future, String what) {
    return Turns.await(loop, future, what);
  }

  static <T> T await(EventLoop loop, Future<T> future, String what, Duration deadline) {
    return Turns.await(loop, future, what, deadline);
  }

  /**
   * Runs the loop until the future is done and returns the exception it failed with (unwrapped
   * from the {@link java.util.concurrent.CompletionException} that {@code join} adds for checked
   * exceptions). Fails if the future succeeded.
   */
  static Throwable awaitFailure(EventLoop loop, Future<?> future, String what) {
    return Turns.awaitFailure(loop, future, what);
  }

  /** Runs the loop for a few turns and a short sleep, so that pending I/O events get polled. */
  static void spin(EventLoop loop, int turns) {
    for (int i = 0; i < turns; i++) {
      loop.runUntilComplete(loop.sleep(Duration.ZERO));
    }
    loop.runUntilComplete(loop.sleep(Duration.ofMillis(20)));
    for (int i = 0; i < turns; i++) {
      loop.runUntilComplete(loop.sleep(Duration.ZERO));
    }
  }

  /** Deterministic pseudo-random bytes (so a failure reproduces). */
  static byte[] payload(int size, long seed) {
    byte[] b = new byte[size];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < size; ) {
      long v = r.nextLong();
      for (int k = 0; k < 8 && i < size; k++, i++) {
        b[i] = (byte) (v >>> (8 * k));
      }
    }
    return b;
  }

  static long crc(byte[] data) {
    CRC32 c = new CRC32();
    c.update(data);
    return c.getValue();
  }

  static long crc(ByteBuffer data) {
    CRC32 c = new CRC32();
    c.update(data.duplicate());
    return c.getValue();
  }

  /** The port of the first listening socket of a server. */
  static int port(Server server) {
    assertNotNull(server.sockets(), "sockets()");
    for (NetSocket s : server.sockets()) {
      SocketAddress a = s.localAddress();
      if (a instanceof InetSocketAddress inet) {
        return inet.getPort();
      }
    }
    return fail("the server has no TCP listening socket: " + server.sockets());
  }

  /** Closes the server and every connection it accepted, and waits until they are gone. */
  static void shutdown(EventLoop loop, Server server) {
    server.close();
    server.abortClients();
    await(loop, server.waitClosed(), "server.waitClosed() after close() + abortClients()");
  }

  /**
   * The server-side protocol of a client's connection, among those a server's factory made: the
   * one whose peer is the client's local address. Runs the loop until the server has accepted it.
   */
  static <R extends Recorder> R serverSide(EventLoop loop, java.util.List<R> accepted, zloop.Transport client) {
    Object local = client.getExtraInfo("sockname");
    assertNotNull(local, "the client transport's sockname");
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      for (R r : accepted) {
        if (r.transport != null && local.equals(r.transport.getExtraInfo("peername"))) {
          return r;
        }
      }
      if (System.nanoTime() > deadline) {
        return fail("the server never accepted the connection from " + local + " (accepted: " + accepted.size() + ")");
      }
      loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
    }
  }

  /** The soft limit on open descriptors (RLIMIT_NOFILE) of this process, from /proc/self/limits. */
  static long openFileLimit() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+", 2)[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (java.io.IOException e) {
      // not Linux: assume enough
    }
    return Long.MAX_VALUE;
  }

  /** A human-readable size. */
  static String size(long n) {
    if (n >= 1 << 20 && n % (1 << 20) == 0) {
      return (n >> 20) + " MiB";
    }
    if (n >= 1 << 10 && n % (1 << 10) == 0) {
      return (n >> 10) + " KiB";
    }
    return n + " B";
  }
}
