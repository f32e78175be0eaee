package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import zloop.EventLoop;
import zloop.NetSocket;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * asyncio's {@code _ensure_fd_no_transport}: {@code addReader}, {@code removeReader}, {@code
 * addWriter} and {@code removeWriter} all refuse a descriptor that a transport of the loop owns,
 * on every backend with descriptors, and the transport goes on working. Once the transport is
 * closing, removing is allowed again (there is nothing to remove).
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class FdWatcherOwnershipTest {

  @BackendTest
  void allFourWatcherMethodsRefuseADescriptorATransportOwns(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Plain r = new Recorder.Plain(loop);
                    accepted.add(r);
                    return r;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        var c = await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        Transport transport = c.transport();
        int fd = assertInstanceOf(NetSocket.class, transport.getExtraInfo("socket")).fd();
        Assumptions.assumeTrue(fd >= 0, "not applicable: the " + backend + " backend has no file descriptors");
        Recorder.Plain serverSide = Net.serverSide(loop, accepted, transport);
        int serverFd = assertInstanceOf(NetSocket.class, serverSide.transport.getExtraInfo("socket")).fd();

        for (int owned : new int[] {fd, serverFd}) {
          refused(() -> loop.addReader(owned, () -> {}), owned, "addReader");
          refused(() -> loop.addWriter(owned, () -> {}), owned, "addWriter");
          refused(() -> loop.removeReader(owned), owned, "removeReader");
          refused(() -> loop.removeWriter(owned), owned, "removeWriter");
        }

        // Nothing was taken from the transport: bytes still flow both ways.
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        serverSide.expect(ping.length);
        transport.write(ping);
        await(loop, serverSide.gotAll, "bytes to the server after the refused calls");
        client.expect(ping.length);
        serverSide.transport.write(ping);
        await(loop, client.gotAll, "bytes to the client after the refused calls");

        transport.close();
        assertFalse(loop.removeReader(fd), "a closing transport's descriptor: nothing to remove");
        assertFalse(loop.removeWriter(fd), "a closing transport's descriptor: nothing to remove");
        await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  private static void refused(Executable call, int fd, String what) {
    IllegalStateException e = assertThrows(IllegalStateException.class, call, what + " on a transport's fd " + fd);
    assertTrue(
        e.getMessage().startsWith("File descriptor " + fd + " is used by transport"),
        () -> what + ": " + e.getMessage());
  }
}
