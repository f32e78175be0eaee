package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.NetSocket;
import zloop.Protocol;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Debug mode times I/O callbacks too, as asyncio does (its I/O callbacks run as handles): a slow
 * {@code dataReceived} or fd watcher callback is reported as "Executing &lt;...&gt; took X seconds",
 * like a slow {@code callSoon} or timer callback. Only that a report happened is asserted, never a
 * duration: the callbacks are busy for several times the threshold.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class IoDebugTimingTest {

  private static final Duration THRESHOLD = Duration.ofMillis(10);
  private static final Duration BUSY = Duration.ofMillis(60);
  private static final String REPORT = "Executing .* took \\d+\\.\\d{3} seconds";

  /** Busy for {@link #BUSY} (spinning, so the loop thread really is held). */
  static void busy() {
    long end = System.nanoTime() + BUSY.toNanos();
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }

  /** Echoes, after holding the loop in dataReceived. */
  static final class SlowEcho implements Protocol {
    Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      busy();
      transport.write(data);
    }

    @Override
    public String toString() {
      return "SlowEcho";
    }
  }

  @BackendTest
  void aSlowDataReceivedIsReportedInDebugMode(String backend) {
    try (SlowReports reports = new SlowReports();
        EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(SlowEcho::new, "127.0.0.1", 0), "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        var c = await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        Net.spin(loop, 2);
        loop.setSlowCallbackDuration(THRESHOLD);
        loop.setDebug(true);
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        client.expect(ping.length);
        c.transport().write(ping);
        await(loop, client.gotAll, "the slow echo");
        loop.setDebug(false);
        // Other callbacks may be slow too on a busy machine: look for the one this test made.
        List<String> slow = reports.slow();
        String expected = backend.equals("nio") ? "IoEvent[NioSocket" : "protocol=SlowEcho"; // fd backends name the protocol
        assertTrue(
            slow.stream().anyMatch(m -> m.matches(REPORT) && m.contains(expected)),
            () -> "a slow report for the I/O event (" + expected + "): " + slow);
        c.transport().close();
        await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aSlowFdWatcherCallbackIsReportedInDebugMode(String backend) throws IOException {
    Assumptions.assumeFalse(
        backend.equals("nio"), "not applicable: the nio backend has no file descriptors to watch");
    try (SlowReports reports = new SlowReports();
        EventLoop loop = Backends.open(backend);
        NetSocket listener = loop.openTcpSocket(StandardProtocolFamily.INET)) {
      listener.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
      listener.listen(8);
      int fd = listener.fd();
      loop.setSlowCallbackDuration(THRESHOLD);
      loop.setDebug(true);
      zloop.Future<Void> fired = loop.createFuture();
      loop.addReader(
          fd,
          () -> {
            loop.removeReader(fd);
            busy();
            fired.setResult(null);
          });
      try (Socket peer = new Socket()) {
        peer.connect(listener.localAddress());
        await(loop, fired, "the watcher's callback");
      }
      loop.setDebug(false);
      List<String> slow = reports.slow();
      assertTrue(
          slow.stream().anyMatch(m -> m.matches(REPORT) && m.contains("IoEvent[FdWatch[fd=" + fd)),
          () -> "a slow report for the watcher of fd " + fd + ": " + slow);
    }
  }

  /** uvloop's test_debug_slow_timer_callbacks: a timer is timed like any callback. */
  @BackendTest
  void aSlowTimerCallbackIsReportedInDebugMode(String backend) {
    try (SlowReports reports = new SlowReports();
        EventLoop loop = Backends.open(backend)) {
      loop.setSlowCallbackDuration(THRESHOLD);
      loop.setDebug(true);
      Runnable slowTimer =
          new Runnable() {
            @Override
            public void run() {
              busy();
            }

            @Override
            public String toString() {
              return "SlowTimer";
            }
          };
      loop.callLater(Duration.ofMillis(1), slowTimer);
      loop.runUntilComplete(loop.sleep(Duration.ofMillis(5)));
      List<String> slow = reports.slow();
      assertTrue(
          slow.stream().anyMatch(m -> m.matches(REPORT) && m.contains("SlowTimer")),
          () -> "a slow report for the timer: " + slow);
    }
  }
}
