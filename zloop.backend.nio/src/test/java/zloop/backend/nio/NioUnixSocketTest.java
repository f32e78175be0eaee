package zloop.backend.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.UnixAddress;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/** Unix-domain stream sockets through the NIO backend: filesystem paths only. */
class NioUnixSocketTest {
  @TempDir Path dir;

  @Test
  void aConnectThatCompletesAtOnceIsReportedByTheNextPoll() throws IOException {
    UnixAddress path = UnixAddress.of(dir.resolve("at-once.sock"));
    try (NioHarness h = new NioHarness()) {
      h.listen(SocketKind.UNIX, path);
      SocketHandle client = h.backend.openSocket(SocketKind.UNIX);
      List<IOException> outcomes = new ArrayList<>();
      boolean[] reported = new boolean[1];
      client.connect(
          path,
          e -> {
            reported[0] = true;
            outcomes.add(e);
          });
      assertFalse(reported[0], "never from inside connect");
      h.pollIndefinitely(); // must not block: an outcome is waiting
      assertTrue(reported[0]);
      assertNull(outcomes.get(0));
      h.pollNow(3);
      assertEquals(1, outcomes.size());
    }
  }

  @Test
  void aConnectToAPathNobodyListensOnIsReportedToTheHandler() throws IOException {
    try (NioHarness h = new NioHarness()) {
      SocketHandle client = h.backend.openSocket(SocketKind.UNIX);
      List<IOException> outcomes = new ArrayList<>();
      client.connect(UnixAddress.of(dir.resolve("nobody.sock")), outcomes::add);
      assertTrue(outcomes.isEmpty());
      h.pollUntil("the connect outcome", () -> !outcomes.isEmpty());
      assertInstanceOf(IOException.class, outcomes.get(0));
      client.close();
    }
  }

  @Test
  void abstractNamesNeedTheEpollBackend() throws IOException {
    try (NioHarness h = new NioHarness()) {
      SocketHandle socket = h.backend.openSocket(SocketKind.UNIX);
      UnixAddress name = UnixAddress.ofAbstract("zloop-test");
      UnsupportedOperationException bind =
          assertThrows(UnsupportedOperationException.class, () -> socket.bind(name));
      assertEquals("abstract Unix socket names need the epoll backend", bind.getMessage());
      UnsupportedOperationException connect =
          assertThrows(UnsupportedOperationException.class, () -> socket.connect(name, e -> {}));
      assertEquals("abstract Unix socket names need the epoll backend", connect.getMessage());
      assertTrue(socket.isOpen(), "nothing was created");
      socket.close();
    }
  }

  @Test
  void anInternetAddressDoesNotSuitAUnixSocket() throws IOException {
    try (NioHarness h = new NioHarness()) {
      SocketHandle socket = h.backend.openSocket(SocketKind.UNIX);
      assertThrows(
          UnsupportedAddressTypeException.class,
          () -> socket.bind(new InetSocketAddress("127.0.0.1", 0)));
      socket.close();
    }
  }
}
