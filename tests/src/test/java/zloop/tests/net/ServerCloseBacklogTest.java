package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Protocol;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Twenty clients wait in the backlog; the factory closes the server on the first connection (and
 * that connection closes itself). The first client sees a clean end of stream, every other one a
 * reset (the kernel resets a closed listener's backlog, and a completion backend that already
 * accepted some must do the same), none hangs, and no descriptor is left behind.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class ServerCloseBacklogTest {

  private static final int CLIENTS = 20;

  @BackendTest
  void closingTheServerFromTheFactoryResetsTheRestOfTheBacklog(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Server[] server = new Server[1];
      int[] made = new int[1];
      server[0] =
          await(
              loop,
              loop.createServer(
                  () -> {
                    made[0]++;
                    server[0].close();
                    return new Protocol() {
                      @Override
                      public void connectionMade(Transport t) {
                        t.close();
                      }

                      @Override
                      public void dataReceived(java.nio.ByteBuffer data) {}
                    };
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      List<Socket> clients = new ArrayList<>();
      try {
        for (int i = 0; i < CLIENTS; i++) {
          Socket s = new Socket(Net.LOOPBACK4, port(server[0])); // queued: the loop is not running
          s.setSoTimeout((int) Net.DEADLINE.toMillis()); // a safety net: every outcome is due
          clients.add(s);
        }
        CompletableFuture<int[]> outcomes =
            CompletableFuture.supplyAsync(
                () -> {
                  int[] eofResetHung = new int[3];
                  for (Socket s : clients) {
                    try {
                      InputStream in = s.getInputStream();
                      if (in.read() == -1) {
                        eofResetHung[0]++;
                      }
                    } catch (java.net.SocketTimeoutException e) {
                      eofResetHung[2]++;
                    } catch (SocketException e) {
                      eofResetHung[1]++;
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }
                  return eofResetHung;
                },
                Thread::startVirtualThread);
        int[] got = await(loop, loop.wrap(outcomes), "every client's outcome");
        await(loop, server[0].waitClosed(), "the server closed");
        assertEquals(1, made[0], "one connection was served");
        assertEquals(0, got[2], "clients left hanging");
        assertEquals(1, got[0], "clients that saw a clean end of stream");
        assertEquals(CLIENTS - 1, got[1], "clients that were reset");
      } finally {
        for (Socket s : clients) {
          s.close();
        }
      }
    }
  }
}
