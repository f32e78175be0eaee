package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.EventLoop;
import zloop.NetSocket;
import zloop.Server;
import zloop.UnixAddress;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * "Every fd the loop opens is closed when its transport, server or the loop closes": a loop
 * closed with a server, connections (with unsent data) and raw sockets still open leaves no
 * descriptor behind.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class LoopCloseTest {
  @TempDir Path dir;

  @BackendTest
  void closingTheLoopClosesEverythingItOpened(String backend) throws Exception {
    Assumptions.assumeTrue(FdLeakCheck.supported(), "needs /proc/self/fd");
    Requires.ipv6Loopback(); // one of the sockets it opens listens on ::1
    Map<Integer, String> before = FdLeakCheck.snapshot();
    EventLoop loop = Backends.open(backend);
    try {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Plain p = new Recorder.Plain(loop);
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      Server unix = await(loop, loop.createUnixServer(Echo.Plain::new, UnixAddress.of(dir.resolve("s.sock"))), "createUnixServer");
      List<Recorder.Plain> clients = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Recorder.Plain r = new Recorder.Plain(loop);
        clients.add(r);
        var c = await(loop, loop.createConnection(() -> r, "127.0.0.1", port(server)), "connect " + i);
        Net.serverSide(loop, accepted, c.transport()).transport.pauseReading();
        c.transport().write(new byte[4 << 20]); // unsent data stays buffered
      }
      Recorder.Plain u = new Recorder.Plain(loop);
      await(loop, loop.createUnixConnection(() -> u, UnixAddress.of(dir.resolve("s.sock"))), "unix connect");
      NetSocket raw = loop.openTcpSocket(StandardProtocolFamily.INET);
      NetSocket listening = loop.openTcpSocket(StandardProtocolFamily.INET6);
      listening.bind(new InetSocketAddress(Net.LOOPBACK6, 0));
      listening.listen(4);
      loop.sockAccept(listening); // pending
      Net.spin(loop, 2);
      assertTrue(clients.stream().allMatch(r -> r.transport.getWriteBufferSize() > 0), "data still buffered");
      assertTrue(raw.isOpen());
      assertTrue(unix.isServing());
    } finally {
      loop.close();
    }
    List<String> leaked = FdLeakCheck.leaks(before, FdLeakCheck.snapshot());
    assertEquals(List.of(), leaked, "descriptors still open after loop.close() on " + backend);
  }
}
