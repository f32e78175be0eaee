package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zloop.tests.net.Net.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.EventLoop;
import zloop.Future;
import zloop.Protocol;
import zloop.UnixAddress;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * The order within a turn that {@link EventLoop}'s javadoc documents: I/O callbacks first, then
 * the callbacks that were ready before the turn, then the callbacks those I/O callbacks
 * scheduled, then due timers. (uvloop's order; asyncio runs the ready callbacks first.)
 *
 * <p>Made deterministic with a Unix stream socket: a write on one end queues the bytes on the
 * other end inside the write call, so when callback A writes from the peer and then schedules B,
 * the bytes are there for the very next poll, the one of B's turn. B's turn polls because A's
 * turn runs a full poll interval of callbacks (64): a loop whose ready queue stays busy polls the
 * backend once per 64 callbacks, not every turn (see {@code Loop}).
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class IoCallbackOrderTest {

  @TempDir Path dir;

  /** Records "data" for each dataReceived, and schedules "from-data" on the loop. */
  private static final class Ordered implements Protocol {
    final EventLoop loop;
    final List<String> order;
    final Future<Void> gotData;

    Ordered(EventLoop loop, List<String> order) {
      this.loop = loop;
      this.order = order;
      this.gotData = loop.createFuture();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      order.add("data");
      loop.callSoon(() -> order.add("scheduled-by-data"));
      if (!gotData.isDone()) {
        gotData.setResult(null);
      }
    }
  }

  @BackendTest
  void ioCallbacksRunBeforeCallbacksQueuedInThePreviousTurnAndTimersLast(String backend) throws IOException {
    Path path = dir.resolve("order.sock");
    try (EventLoop loop = Backends.open(backend);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(path));
      List<String> order = new ArrayList<>();
      Ordered protocol = new Ordered(loop, order);
      var c = await(loop, loop.createUnixConnection(() -> protocol, UnixAddress.of(path)), "createUnixConnection");
      try (SocketChannel peer = listener.accept()) {
        Net.spin(loop, 3); // reading is armed on every backend
        Future<Void> done = loop.createFuture();
        for (int i = 0; i < 64; i++) {
          loop.callSoon(() -> {}); // with A, a full poll interval: B's turn polls
        }
        loop.callSoon(
            () -> {
              order.add("A");
              try {
                peer.write(ByteBuffer.wrap(new byte[] {'x'})); // in the loop's socket on return
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              loop.callLater(Duration.ZERO, () -> order.add("timer"));
              loop.callSoon(() -> order.add("B"));
            });
        protocol.gotData.addDoneCallback(f -> loop.callSoon(() -> loop.callSoon(() -> done.setResult(null))));
        await(loop, done, "the data and every callback");
        assertEquals(List.of("A", "data", "B", "scheduled-by-data", "timer"), order, "the turn after A");
      } finally {
        c.transport().abort();
        Net.spin(loop, 1);
      }
    } finally {
      Files.deleteIfExists(path);
    }
  }
}
