package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Future;
import zloop.Server;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * A server-side transport names its peer even when the connection was reset before the server
 * got to it: the address comes from the accept, not from a later getpeername.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class AcceptedPeerTest {

  @BackendTest
  void peernameOfAConnectionResetBeforeItWasServedIsTheClientsAddress(String backend)
      throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Object> peer = loop.createFuture();
      Server server =
          await(
              loop,
              loop.createServer(
                  () ->
                      new Recorder.Plain(loop) {
                        @Override
                        public void connectionMade(zloop.Transport t) {
                          super.connectionMade(t);
                          if (!peer.isDone()) {
                            peer.setResult(t.getExtraInfo("peername"));
                          }
                        }
                      },
                  "127.0.0.1",
                  0),
              "createServer");
      InetSocketAddress client;
      try (Socket s = new Socket(Net.LOOPBACK4, port(server))) {
        client = (InetSocketAddress) s.getLocalSocketAddress();
        s.setSoLinger(true, 0); // close with a reset, before the loop runs again
      }
      Object seen = await(loop, peer, "the server serving the reset connection");
      assertEquals(client, seen, "peername of the reset connection");
      shutdown(loop, server);
    }
  }
}
