package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.engine.spi.Backend;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.test.support.Pipe;

/**
 * The race the slot generations exist for: one {@code epoll_wait} returns events for A and B; A's
 * handler closes B and opens C, which gets B's descriptor number and B's slot. B's event, still in
 * the batch, must be dropped, not delivered to C.
 *
 * <p>Deterministic: both descriptors are readable before the wait, so both events are in the one
 * batch whichever comes first; whichever does closes the other. The replacement gets the freed
 * descriptor (the kernel hands out the lowest free number) and the freed slot (the table reuses the
 * last freed first), which the test asserts before checking what C heard.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class StaleEventAfterSlotReuseTest {

  @Test
  void socketReplacingAClosedOneDoesNotGetItsEvent() throws IOException {
    try (Harness h = new Harness()) {
      SocketHandle listener =
          h.listen(SocketKind.TCP4, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Harness.Connection one = h.connect(SocketKind.TCP4, listener);
      Harness.Connection two = h.connect(SocketKind.TCP4, listener);
      new Peer(one.client()).write("1");
      new Peer(two.client()).write("2");

      List<Peer> replacements = new ArrayList<>();
      int[] closedFd = {-1};
      Peer[] peers = new Peer[2];
      for (int i = 0; i < 2; i++) {
        SocketHandle mine = (i == 0 ? one : two).server();
        SocketHandle other = (i == 0 ? two : one).server();
        peers[i] = new Peer(mine);
        peers[i].onData =
            data -> {
              if (!replacements.isEmpty()) {
                return;
              }
              closedFd[0] = other.fd();
              other.close();
              try {
                SocketHandle c = h.backend.openSocket(SocketKind.TCP4);
                Peer replacement = new Peer(c);
                c.startReading(); // registers C in epoll under B's slot, new generation
                replacements.add(replacement);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            };
      }
      peers[0].socket.startReading();
      peers[1].socket.startReading();

      h.backend.poll(5_000_000_000L);

      assertEquals(1, replacements.size(), "one handler ran and replaced the other socket");
      Peer c = replacements.get(0);
      assertEquals(closedFd[0], c.socket.fd(), "precondition: C reuses B's descriptor number");
      assertEquals(List.of(), c.calls, "C heard of B's event");
      assertEquals(1, h.backend.staleEvents(), "B's event was in the batch and dropped");
      assertTrue(peers[0].received + peers[1].received == 1);
    }
  }

  @Test
  void watchedDescriptorReplacingAClosedOneDoesNotGetItsEvent() throws IOException {
    try (Harness h = new Harness();
        Pipe a = new Pipe();
        Pipe b = new Pipe()) {
      a.writeByte();
      b.writeByte();
      List<Integer> replacementCalls = new ArrayList<>();
      Pipe[] replacement = {null};
      int[] closedFd = {-1};
      Backend.FdHandler handler =
          (fd, ready) -> {
            if (replacement[0] != null) {
              return;
            }
            Pipe other = fd == a.readFd ? b : a;
            closedFd[0] = other.readFd;
            h.backend.watchFd(other.readFd, 0, null);
            other.closeReadEnd();
            replacement[0] = new Pipe(); // empty: never readable during this test
            h.backend.watchFd(
                replacement[0].readFd, Backend.READABLE, (f, r) -> replacementCalls.add(f));
          };
      h.backend.watchFd(a.readFd, Backend.READABLE, handler);
      h.backend.watchFd(b.readFd, Backend.READABLE, handler);

      h.backend.poll(5_000_000_000L);

      try (Pipe c = replacement[0]) {
        assertEquals(closedFd[0], c.readFd, "precondition: the new pipe reuses the descriptor");
        assertEquals(List.of(), replacementCalls, "the new pipe heard of the old one's event");
        assertEquals(1, h.backend.staleEvents(), "the closed pipe's event was dropped");
        h.backend.watchFd(c.readFd, 0, null);
        for (Pipe p : List.of(a, b)) {
          if (p.readFd >= 0) {
            h.backend.watchFd(p.readFd, 0, null);
          }
        }
        assertEquals(0, h.backend.registrations());
      }
    }
  }
}
