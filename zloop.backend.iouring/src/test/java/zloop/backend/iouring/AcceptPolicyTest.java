package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;
import zloop.posix.Sockets;

/** What a listener does with accept errors and with connections nobody will serve. */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class AcceptPolicyTest {

  /**
   * A listener shut down under its multishot ACCEPT fails every accept with EINVAL: the listener
   * is broken, which is reported once (as epoll does), not on every turn.
   */
  @Test
  void aBrokenListenerIsReportedOnceAndNotArmedAgain() throws Exception {
    try (Driver driver = new Driver()) {
      SocketHandle listener = driver.listen();
      Driver.Accepted accepted = new Driver.Accepted();
      listener.startAccepting(accepted);
      driver.poll(0); // the ACCEPT is armed
      assertEquals(0, Sockets.shutdown(listener.fd(), Sockets.SHUT_RDWR, driver.backend.calls().errno()));
      driver.pollUntil(() -> !accepted.errors.isEmpty(), "the accept error");
      for (int i = 0; i < 20; i++) {
        driver.poll(1_000_000L);
      }
      assertEquals(1, accepted.errors.size(), "reported once: " + accepted.errors);
      assertTrue(accepted.errors.getFirst().getMessage().contains("EINVAL"), accepted.errors::toString);
      listener.close();
    }
  }

  /**
   * A factory closes the listener on the first connection while the kernel has accepted more, so
   * the rest of the batch of ACCEPT completions is stale: each of those descriptors is closed with
   * a reset (as the kernel resets a closed listener's backlog), none is leaked, no client hangs.
   */
  @Test
  void staleAcceptedConnectionsAreResetNotLeaked() throws Exception {
    int clients = 20;
    try (Driver driver = new Driver()) {
      SocketHandle listener = driver.listen();
      List<SocketHandle> served = new ArrayList<>();
      listener.startAccepting(
          new AcceptHandler() {
            @Override
            public void onAccept(SocketHandle socket) {
              served.add(socket);
              listener.close(); // the factory closes the server on the first connection
            }

            @Override
            public void onAcceptError(IOException failure, boolean resourceExhausted) {}
          });
      driver.poll(0); // the ACCEPT is armed
      List<Socket> peers = new ArrayList<>();
      long socketsBefore = openSockets();
      try {
        for (int i = 0; i < clients; i++) {
          Socket s = new Socket();
          s.connect(listener.localAddress());
          s.setSoTimeout(20_000); // a safety net: every outcome is due at once
          peers.add(s);
        }
        driver.backend.setCompletionsPerPoll(clients); // the whole batch in one dispatch
        driver.pollUntil(() -> !served.isEmpty(), "the first connection");
        for (int i = 0; i < 3; i++) {
          driver.poll(1_000_000L);
        }
        assertEquals(1, served.size());
        served.getFirst().close();
        int eofs = 0;
        int resets = 0;
        for (Socket s : peers) {
          InputStream in = s.getInputStream();
          try {
            if (in.read() == -1) {
              eofs++;
            }
          } catch (SocketException e) {
            resets++;
          }
        }
        assertEquals(1, eofs, "the connection served and closed ends cleanly");
        assertEquals(clients - 1, resets, "the connections nobody served are reset");
        assertEquals(
            socketsBefore - 1 + clients,
            openSockets(),
            "only the clients' own sockets are open (the listener closed, nothing leaked)");
      } finally {
        for (Socket s : peers) {
          s.close();
        }
      }
    }
  }

  /** The sockets this process has open. */
  static long openSockets() throws IOException {
    try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return fds.filter(
              p -> {
                try {
                  return java.nio.file.Files.readSymbolicLink(p).toString().startsWith("socket:");
                } catch (IOException e) {
                  return false;
                }
              })
          .count();
    }
  }
}
