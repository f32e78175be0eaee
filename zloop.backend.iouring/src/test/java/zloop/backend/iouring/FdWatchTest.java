package zloop.backend.iouring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.engine.spi.Backend;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/** addReader/addWriter on the ring: level-triggered, as asyncio's watchers are. */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class FdWatchTest {

  @Test
  void aReaderIsCalledEveryTurnWhileBytesWaitAndNotAfterRemoval() throws Exception {
    try (Driver driver = new Driver();
        ServerSocket server = new ServerSocket(0, 50, Driver.LOOPBACK)) {
      SocketHandle socket = driver.backend.openSocket(SocketKind.TCP4);
      boolean[] connected = new boolean[1];
      socket.connect(server.getLocalSocketAddress(), failure -> connected[0] = failure == null);
      driver.pollUntil(() -> connected[0], "connected");
      try (Socket peer = server.accept()) {
        List<Integer> reports = new ArrayList<>();
        Backend.FdHandler handler = (fd, bits) -> reports.add(bits);
        driver.backend.watchFd(socket.fd(), Backend.READABLE, handler);
        for (int i = 0; i < 3; i++) {
          driver.poll(0);
        }
        assertEquals(List.of(), reports, "nothing to read yet");

        peer.getOutputStream().write("unread".getBytes(UTF_8));
        driver.pollUntil(() -> reports.size() >= 3, "three reports of the same unread bytes");
        assertTrue(reports.stream().allMatch(b -> b == Backend.READABLE), reports::toString);

        driver.backend.watchFd(socket.fd(), 0, handler);
        int seen = reports.size();
        for (int i = 0; i < 3; i++) {
          driver.poll(1_000_000L);
        }
        assertEquals(seen, reports.size(), "no report after removal");
      }
      socket.close();
    }
  }

  @Test
  void aWriterHearsOfWritabilityAndInterestCanChange() throws Exception {
    try (Driver driver = new Driver();
        ServerSocket server = new ServerSocket(0, 50, Driver.LOOPBACK)) {
      SocketHandle socket = driver.backend.openSocket(SocketKind.TCP4);
      boolean[] connected = new boolean[1];
      socket.connect(server.getLocalSocketAddress(), failure -> connected[0] = failure == null);
      driver.pollUntil(() -> connected[0], "connected");
      try (Socket peer = server.accept()) {
        List<Integer> reports = new ArrayList<>();
        Backend.FdHandler handler = (fd, bits) -> reports.add(bits);
        driver.backend.watchFd(socket.fd(), Backend.READABLE | Backend.WRITABLE, handler);
        driver.pollUntil(() -> !reports.isEmpty(), "writability");
        assertEquals(Backend.WRITABLE, (int) reports.getFirst());

        driver.backend.watchFd(socket.fd(), Backend.READABLE, handler);
        driver.poll(0); // a WRITABLE report racing the change is stale now
        reports.clear();
        peer.getOutputStream().write(1);
        driver.pollUntil(() -> !reports.isEmpty(), "readability");
        assertTrue(reports.stream().allMatch(b -> b == Backend.READABLE), reports::toString);
        driver.backend.watchFd(socket.fd(), 0, handler);
      }
      socket.close();
    }
  }

  @Test
  void aClosedDescriptorIsRefusedAtOnce() throws Exception {
    try (Driver driver = new Driver()) {
      SocketHandle socket = driver.backend.openSocket(SocketKind.TCP4);
      int fd = socket.fd();
      socket.close();
      assertThrows(
          IllegalArgumentException.class,
          () -> driver.backend.watchFd(fd, Backend.READABLE, (f, bits) -> {}));
    }
  }

  /**
   * The arguments epoll refuses are refused here too, before anything is armed: unknown interest
   * bits used to arm a poll for no events, and a null handler failed only when the descriptor
   * became ready, inside the loop.
   */
  @Test
  void badArgumentsAreRefusedBeforeAnythingIsWatched() throws Exception {
    try (Driver driver = new Driver()) {
      SocketHandle socket = driver.backend.openSocket(SocketKind.TCP4);
      int fd = socket.fd();
      assertThrows(
          IllegalArgumentException.class,
          () -> driver.backend.watchFd(-1, Backend.READABLE, (f, bits) -> {}));
      assertThrows(
          IllegalArgumentException.class,
          () -> driver.backend.watchFd(fd, 4, (f, bits) -> {}),
          "unknown interest bits");
      assertThrows(
          NullPointerException.class, () -> driver.backend.watchFd(fd, Backend.WRITABLE, null));
      driver.poll(0);
      driver.poll(0);
      assertEquals(List.of(), driver.context.errors, "nothing was armed for the refused watches");
      socket.close();
    }
  }
}
