package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.crc;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;
import static zloop.tests.net.Net.size;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.BaseProtocol;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Server;
import zloop.ServerOptions;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** Echo through a zloop server and a zloop client: sizes, both protocol kinds, many connections. */
@Timeout(180)
@ExtendWith(FdLeakCheck.class)
class EchoTest {
  /** From one byte to far more than any socket buffer holds. */
  private static final int[] SIZES = {1, 1000, 64 * 1024, 1 << 20, 16 << 20};

  @BackendTest
  void echoThroughAPlainProtocolServerAndClient(String backend) {
    echoEverySize(backend, Echo.Plain::new, false);
  }

  @BackendTest
  void echoThroughABufferedProtocolServerAndClient(String backend) {
    // A heap buffer on the server side, a direct one on the client side: both paths of a backend.
    echoEverySize(backend, () -> new Echo.Buffered(64 * 1024, false), true);
  }

  private static void echoEverySize(
      String backend, Supplier<? extends BaseProtocol> serverProtocol, boolean bufferedClient) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(serverProtocol, "127.0.0.1", 0), "createServer");
      try {
        for (int size : SIZES) {
          byte[] data = Net.payload(size, size);
          Recorder r = bufferedClient ? new Recorder.Buffered(loop) : new Recorder.Plain(loop);
          r.expect(size);
          r.keepLimit = 0;
          Connection<BaseProtocol> c =
              await(loop, loop.createConnection(r::protocol, "127.0.0.1", port(server)), "createConnection");
          c.transport().write(data);
          await(loop, r.gotAll, "the whole echo of " + size(size) + " (got " + r.received + ")");
          assertEquals(crc(data), r.crcValue(), "CRC32 of the echo of " + size(size));
          c.transport().close();
          assertNull(await(loop, r.lost, "connectionLost after close()"), "a clean close loses nothing");
          assertEquals(size, r.received, "bytes echoed for " + size(size) + ": no more than were sent");
          assertEquals(1, r.lostCalls);
          if (r instanceof Recorder.Plain p) {
            assertEquals(0, p.writableViews, "dataReceived gets a read-only view");
          }
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** A BufferedProtocol whose buffer holds 7 bytes still gets every byte, in order. */
  @BackendTest
  void aTinyProtocolBufferReceivesEverythingInManySteps(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        byte[] data = Net.payload(100_000, 5);
        Recorder.Buffered r = new Recorder.Buffered(loop, 7);
        r.expect(data.length);
        Connection<Recorder.Buffered> c =
            await(loop, loop.createConnection(() -> r, "127.0.0.1", port(server)), "createConnection");
        c.transport().write(data);
        await(loop, r.gotAll, "the echo through a 7-byte buffer (got " + r.received + ")");
        assertArrayEquals(data, r.bytes());
        assertTrue(r.dataCalls >= data.length / 7, "reads of at most 7 bytes: " + r.dataCalls);
        c.transport().close();
        await(loop, r.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /**
   * 1,000 connections open at once on one server (2,000 descriptors in this process, plus the
   * listener: within this host's limit, checked below), then each echoes its own message.
   */
  @BackendTest
  void aThousandConcurrentConnections(String backend) {
    int n = 1000;
    long limit = Net.openFileLimit();
    Assumptions.assumeTrue(
        limit >= 2L * n + 200, "this process may open only " + limit + " descriptors; the test needs " + (2 * n + 200));
    try (EventLoop loop = Backends.open(backend)) {
      int[] active = {0};
      int[] peak = {0};
      Future<Void> allAccepted = loop.createFuture();
      Future<Void> allGone = loop.createFuture();
      Supplier<BaseProtocol> counting =
          () ->
              new Echo.Plain() {
                @Override
                public void connectionMade(Transport t) {
                  super.connectionMade(t);
                  peak[0] = Math.max(peak[0], ++active[0]);
                  if (active[0] == n && !allAccepted.isDone()) {
                    allAccepted.setResult(null);
                  }
                }

                @Override
                public void connectionLost(Throwable exception) {
                  if (--active[0] == 0 && allAccepted.isDone() && !allGone.isDone()) {
                    allGone.setResult(null);
                  }
                }
              };
      // A backlog that holds every connection: this test is about concurrency, not backlog overflow.
      Server server =
          await(loop, loop.createServer(counting, "127.0.0.1", 0, ServerOptions.DEFAULT.withBacklog(n)), "createServer");
      try {
        List<Recorder.Plain> clients = new ArrayList<>();
        List<Future<Connection<Recorder.Plain>>> connecting = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Recorder.Plain r = new Recorder.Plain(loop);
          r.expect(message(i).length);
          clients.add(r);
          connecting.add(loop.createConnection(() -> r, "127.0.0.1", port(server)));
        }
        List<Connection<Recorder.Plain>> conns = await(loop, loop.gather(connecting), n + " connections");
        await(loop, allAccepted, "the server's connectionMade for all " + n + " (have " + active[0] + ")");
        assertEquals(n, peak[0], "connections open at the same time on the server");
        for (int i = 0; i < n; i++) {
          conns.get(i).transport().write(message(i));
        }
        List<Future<Long>> echoes = new ArrayList<>();
        clients.forEach(r -> echoes.add(r.gotAll));
        await(loop, loop.gather(echoes), "every echo");
        for (int i = 0; i < n; i++) {
          assertArrayEquals(message(i), clients.get(i).bytes(), "echo on connection " + i);
        }
        conns.forEach(c -> c.transport().close());
        List<Future<Throwable>> losses = new ArrayList<>();
        clients.forEach(r -> losses.add(r.lost));
        await(loop, loop.gather(losses), "connectionLost on every client");
        await(loop, allGone, "connectionLost on every server connection (left: " + active[0] + ")");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  private static byte[] message(int i) {
    return ("connection " + i + " says hello\n").getBytes(StandardCharsets.US_ASCII);
  }
}
