package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.engine.spi.Backend;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/**
 * What the kernel may still hold once zloop lets go: a protocol's receive buffer after its socket
 * closed, a watched descriptor's file after its watcher was removed. Both are released before the
 * call that let go returns, on every kind of ring (with DEFER_TASKRUN the kernel runs completions
 * only inside io_uring_enter; without it, on any return of the loop thread from the kernel, which
 * is what makes a late cancel dangerous).
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class KernelTargetTest {

  private static final byte CANARY = (byte) 0xC5;

  /** The ring kinds: DEFER_TASKRUN, COOP_TASKRUN, and one any thread may drive. */
  static Config config(String ring) {
    Config d = Config.fromSystemProperties();
    return switch (ring) {
      case "defer" -> new Config(d.sqEntries(), d.cqEntries(), d.bufferCount(), d.bufferSize(), d.completionsPerPoll(), true, true);
      case "coop" -> new Config(d.sqEntries(), d.cqEntries(), d.bufferCount(), d.bufferSize(), d.completionsPerPoll(), true, false);
      default -> new Config(d.sqEntries(), d.cqEntries(), d.bufferCount(), d.bufferSize(), d.completionsPerPoll(), false);
    };
  }

  /**
   * Idle connections with a RECV armed into their protocol's direct buffer are closed; each
   * protocol then pools its buffer at once (fills it with a canary), and the peers send. No byte
   * may land in a pooled buffer. The peers write on the loop thread itself, so the kernel's
   * completion work for the RECV runs as each write returns, before any later poll.
   */
  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"defer", "coop", "shared"})
  void noBytesLandInAProtocolBufferAfterItsSocketClosed(String ring) throws Exception {
    int connections = 32;
    try (Driver driver = new Driver(config(ring))) {
      SocketHandle listener = driver.listen();
      Driver.Accepted accepted = new Driver.Accepted();
      listener.startAccepting(accepted);
      List<Socket> peers = new ArrayList<>();
      try {
        for (int i = 0; i < connections; i++) {
          Socket peer = new Socket();
          peer.connect(listener.localAddress());
          peers.add(peer);
        }
        driver.pollUntil(() -> accepted.sockets.size() == connections, "every connection accepted");
        List<ByteBuffer> lent = new ArrayList<>();
        for (SocketHandle s : accepted.sockets) {
          Recorder r = new Recorder();
          r.protocolBuffer = ByteBuffer.allocateDirect(4096);
          lent.add(r.protocolBuffer);
          s.setStreamHandler(r);
          s.startReading();
        }
        driver.poll(0); // every RECV is armed into its protocol's buffer, and stays idle
        for (SocketHandle s : accepted.sockets) {
          assertTrue(((IoUringSocket) s).isOpen());
        }

        for (int i = 0; i < connections; i++) {
          accepted.sockets.get(i).close();
          ByteBuffer pooled = lent.get(i);
          for (int k = 0; k < pooled.capacity(); k++) {
            pooled.put(k, CANARY);
          }
          try {
            OutputStream out = peers.get(i).getOutputStream();
            out.write("late bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
          } catch (SocketException e) {
            // the close already reset the connection: fine, nothing can land anywhere
          }
        }
        for (int i = 0; i < 3; i++) {
          driver.poll(1_000_000L);
        }
        for (int i = 0; i < connections; i++) {
          ByteBuffer pooled = lent.get(i);
          for (int k = 0; k < pooled.capacity(); k++) {
            if (pooled.get(k) != CANARY) {
              throw new AssertionError(
                  "the kernel wrote into connection " + i + "'s buffer after close, at byte " + k);
            }
          }
        }
      } finally {
        for (Socket p : peers) {
          p.close();
        }
        listener.close();
      }
      assertEquals(0, driver.backend.orphans().pinnedCount(), "every pinned buffer was released");
    }
  }

  /**
   * A closed backend waited for the kernel to end everything, armed receives included: nothing is
   * left in flight, and it reported nothing.
   */
  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"defer", "coop", "shared"})
  void closingTheBackendLeavesNothingInFlight(String ring) throws Exception {
    Driver driver = new Driver(config(ring));
    SocketHandle listener = driver.listen();
    Driver.Pair pair = driver.connect(listener);
    listener.startAccepting(new Driver.Accepted());
    Recorder direct = new Recorder();
    direct.protocolBuffer = ByteBuffer.allocateDirect(1024);
    pair.server().setStreamHandler(direct);
    pair.server().startReading();
    Recorder multishot = new Recorder();
    pair.client().setStreamHandler(multishot);
    pair.client().startReading();
    driver.poll(0);
    assertTrue(driver.backend.inFlight() > 0, "receives, an accept and the wake-up are armed");
    driver.close(); // asserts nothing was reported
    assertEquals(0, driver.backend.inFlight(), "the kernel confirmed the end of every operation");
  }

  /**
   * Once a watcher is removed the user may close the descriptor, and the file must go with it (as
   * with epoll): the peer sees the end of the stream without another poll.
   */
  @Test
  void removingAWatcherReleasesTheFileAtOnce() throws Exception {
    try (Driver driver = new Driver();
        ServerSocket server = new ServerSocket(0, 50, Driver.LOOPBACK)) {
      SocketHandle socket = driver.backend.openSocket(SocketKind.TCP4);
      boolean[] connected = new boolean[1];
      socket.connect(server.getLocalSocketAddress(), failure -> connected[0] = failure == null);
      driver.pollUntil(() -> connected[0], "connected");
      try (Socket peer = server.accept()) {
        int fd = socket.fd();
        driver.backend.watchFd(fd, Backend.READABLE, (f, bits) -> {});
        driver.poll(0); // the POLL_ADD is armed and holds the file
        driver.backend.watchFd(fd, 0, null);
        socket.close(); // the user closes its descriptor: nothing else holds the file
        peer.setSoTimeout(20_000); // a safety net only: the EOF is due before this returns
        InputStream in = peer.getInputStream();
        byte[] b = new byte[1];
        assertEquals(-1, in.read(b), "the peer sees EOF: the file was released with the descriptor");
      }
    }
  }
}
