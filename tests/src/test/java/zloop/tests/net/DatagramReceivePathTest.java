package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.awaitFailure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.DatagramEndpoint;
import zloop.ExtraInfo;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.UnixAddress;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * How a datagram endpoint receives, on every backend: many datagrams in flight while the protocol
 * holds the loop (on io_uring, more than its datagram buffer ring holds, so the multishot RECVMSG
 * ends with ENOBUFS and is armed again), a Unix datagram longer than the receive buffer, the typed
 * extra info, and an endpoint over the caller's own socket (asyncio's {@code sock=}).
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class DatagramReceivePathTest {

  /** io_uring's datagram buffer count, read when a loop opens its first datagram socket. */
  private static final String RING_PROPERTY = "zloop.iouring.datagramBuffers";

  private static final int BURSTS = 12;
  private static final int BURST = 64;
  private static final int SIZE = 64;

  @TempDir Path dir;

  /**
   * The protocol blocks the loop on the first datagram of each burst until the sender has sent
   * the whole burst, so the kernel queues all 64 while nobody reads; io_uring's ring holds 8. Every
   * datagram arrives, in order, intact, and the loop stays live (it answers each burst).
   */
  @BackendTest
  void burstsLargerThanTheReceiveBuffersArriveWholeWhileTheProtocolHoldsTheLoop(String backend)
      throws Exception {
    try (EventLoop loop = Backends.open(backend);
        DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
      sender.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
      Semaphore burstReceived = new Semaphore(0);
      CountDownLatch[] burstSent = new CountDownLatch[BURSTS];
      for (int i = 0; i < BURSTS; i++) {
        burstSent[i] = new CountDownLatch(1);
      }
      SlowCounter counter = new SlowCounter(loop, burstSent, burstReceived);
      DatagramEndpoint<SlowCounter> server;
      String before = System.getProperty(RING_PROPERTY);
      System.setProperty(RING_PROPERTY, "8");
      try {
        server =
            await(
                loop,
                loop.createDatagramEndpoint(
                    () -> counter, new InetSocketAddress(Net.LOOPBACK4, 0), null, null),
                "the slow endpoint");
      } finally {
        if (before == null) {
          System.clearProperty(RING_PROPERTY);
        } else {
          System.setProperty(RING_PROPERTY, before);
        }
      }
      SocketAddress target = server.transport().getExtraInfo(ExtraInfo.SOCKNAME);
      CompletableFuture<Void> sent = new CompletableFuture<>();
      Thread.ofPlatform()
          .name("datagram bursts")
          .start(
              () -> {
                try {
                  for (int b = 0; b < BURSTS; b++) {
                    for (int i = 0; i < BURST; i++) {
                      sender.send(ByteBuffer.wrap(datagram(b * BURST + i)), target);
                    }
                    burstSent[b].countDown();
                    if (!burstReceived.tryAcquire(60, TimeUnit.SECONDS)) {
                      throw new AssertionError("burst " + b + " was not received");
                    }
                  }
                  sent.complete(null);
                } catch (IOException | InterruptedException | RuntimeException | Error e) {
                  sent.completeExceptionally(e);
                  for (CountDownLatch l : burstSent) {
                    l.countDown(); // never leave the loop blocked
                  }
                }
              });
      await(loop, counter.all, "every burst", java.time.Duration.ofSeconds(100));
      sent.get(10, TimeUnit.SECONDS);
      int port = ((InetSocketAddress) target).getPort();
      assertEquals(0, DatagramPeerTest.kernelDrops(port), "the kernel dropped none (its queue held each burst)");
      assertEquals(BURSTS * BURST, counter.received);
      assertEquals(0, counter.errors, "no errorReceived");
      server.transport().close();
      assertNull(await(loop, counter.lost, "connectionLost"));
    }
  }

  private static byte[] datagram(int n) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putInt(n);
    while (b.hasRemaining()) {
      b.put((byte) (n * 31 + b.position()));
    }
    return b.array();
  }

  /** Counts datagrams in order and checks each; blocks the loop at the start of each burst. */
  private static final class SlowCounter implements zloop.DatagramProtocol {
    final Future<Void> all;
    final Future<Throwable> lost;
    private final CountDownLatch[] burstSent;
    private final Semaphore burstReceived;
    int received;
    int errors;

    SlowCounter(EventLoop loop, CountDownLatch[] burstSent, Semaphore burstReceived) {
      this.all = loop.createFuture();
      this.lost = loop.createFuture();
      this.burstSent = burstSent;
      this.burstReceived = burstReceived;
    }

    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress address) {
      int n = received;
      if (n % BURST == 0) {
        try {
          // Holds the loop until the whole burst waits in the kernel: the slow protocol.
          assertTrue(burstSent[n / BURST].await(60, TimeUnit.SECONDS), "burst sent");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      byte[] got = new byte[data.remaining()];
      data.get(got);
      byte[] want = datagram(n);
      if (!java.util.Arrays.equals(want, got)) {
        all.setException(new AssertionError("datagram " + n + " is not the one sent then"));
        return;
      }
      received++;
      if (received % BURST == 0) {
        burstReceived.release();
      }
      if (received == BURSTS * BURST) {
        all.setResult(null);
      }
    }

    @Override
    public void errorReceived(IOException exception) {
      errors++;
    }

    @Override
    public void connectionLost(Throwable exception) {
      lost.setResult(exception);
    }
  }

  /**
   * A Unix datagram longer than the backend's receive buffer (64 KiB of payload) is reported to
   * errorReceived as cut and dropped, never delivered as if whole; the next one arrives as sent.
   */
  @BackendTest
  void aUnixDatagramLongerThanTheReceiveBufferIsReportedAndDropped(String backend)
      throws IOException {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        backend.equals("nio"), "the nio backend has no Unix datagrams");
    try (EventLoop loop = Backends.open(backend)) {
      UnixAddress address = UnixAddress.of(dir.resolve("big.sock"));
      var receiver = DatagramEndpointTest.endpoint(loop, address, null, null);
      DatagramRecorder r = receiver.protocol();
      NetSocket sender = loop.openDatagramSocket(StandardProtocolFamily.UNIX);
      try {
        byte[] big = Net.payload(100_000, 7);
        assertEquals(
            big.length,
            await(loop, loop.sockSendTo(sender, ByteBuffer.wrap(big), address), "the big datagram"));
        await(loop, loop.sockSendTo(sender, DatagramEndpointTest.text("small"), address), "a small one");
        IOException error = await(loop, r.nextError(), "the cut datagram is reported");
        assertInstanceOf(SocketException.class, error, error.toString());
        assertTrue(error.getMessage().contains("65536"), error.getMessage());
        await(loop, r.expect(1), "the small datagram");
        assertEquals("small", DatagramEndpointTest.text(r.datagrams.get(0).data()));
        assertEquals(1, r.count, "the cut datagram was not delivered");
        assertEquals(java.util.List.of("made", "error"), r.events.subList(0, 2));
      } finally {
        sender.close();
        receiver.transport().close();
        await(loop, r.lost, "connectionLost");
      }
    }
  }

  @BackendTest
  void typedExtraInfoAnswersAsTheNames(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      var hub = DatagramEndpointTest.endpoint(loop, new InetSocketAddress(Net.LOOPBACK4, 0), null, null);
      SocketAddress hubAddress = hub.transport().getExtraInfo(ExtraInfo.SOCKNAME);
      var client = DatagramEndpointTest.endpoint(loop, null, hubAddress, null);
      var t = client.transport();
      assertEquals(t.getExtraInfo("sockname"), t.getExtraInfo(ExtraInfo.SOCKNAME));
      assertEquals(hubAddress, t.getExtraInfo(ExtraInfo.PEERNAME));
      assertNull(hub.transport().getExtraInfo(ExtraInfo.PEERNAME), "unconnected: no peer");
      NetSocket socket = t.getExtraInfo(ExtraInfo.SOCKET);
      assertSame(t.getExtraInfo("socket"), socket);
      assertEquals(t.getExtraInfo(ExtraInfo.SOCKNAME), socket.localAddress());
      assertEquals(backend, t.getExtraInfo(ExtraInfo.BACKEND));
      assertNull(t.getExtraInfo(ExtraInfo.CIPHER), "no TLS on a datagram transport");
      assertThrows(ClassCastException.class, () -> t.getExtraInfo(ExtraInfo.of("sockname", String.class)));
      for (var e : java.util.List.of(hub, client)) {
        e.transport().close();
        await(loop, e.protocol().lost, "connectionLost");
      }
    }
  }

  /**
   * asyncio's {@code create_datagram_endpoint(sock=)}: the transport serves the caller's socket,
   * connected or not as the caller left it, and owns it from then on.
   */
  @BackendTest
  void anEndpointServesTheCallersOwnSocketAndOwnsIt(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      var hub = DatagramEndpointTest.endpoint(loop, new InetSocketAddress(Net.LOOPBACK4, 0), null, null);
      SocketAddress hubAddress = hub.transport().getExtraInfo(ExtraInfo.SOCKNAME);
      NetSocket socket = loop.openDatagramSocket(StandardProtocolFamily.INET);
      socket.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
      await(loop, loop.sockConnect(socket, hubAddress), "sockConnect");
      DatagramRecorder r = new DatagramRecorder(loop);
      DatagramEndpoint<DatagramRecorder> e =
          await(loop, loop.createDatagramEndpoint(() -> r, socket), "createDatagramEndpoint(sock)");
      assertSame(socket, e.transport().getExtraInfo(ExtraInfo.SOCKET), "the caller's socket");
      assertEquals(hubAddress, e.transport().getExtraInfo(ExtraInfo.PEERNAME));
      assertEquals(socket.localAddress(), e.transport().getExtraInfo(ExtraInfo.SOCKNAME));
      assertEquals(1, r.madeCalls, "connectionMade ran before the future completed");

      e.transport().send(DatagramEndpointTest.text("from sock="));
      await(loop, hub.protocol().expect(1), "the hub hears it");
      assertEquals(socket.localAddress(), hub.protocol().datagrams.get(0).from());
      hub.transport().sendTo(DatagramEndpointTest.text("back"), socket.localAddress());
      await(loop, r.expect(1), "the endpoint hears the hub");
      assertEquals("back", DatagramEndpointTest.text(r.datagrams.get(0).data()));

      // The transport owns it: the caller may not close it, use it, or give it away again.
      assertThrows(IllegalStateException.class, socket::close);
      assertThrows(IllegalStateException.class, () -> loop.sockRecvFrom(socket, 10));
      assertThrows(
          IllegalStateException.class, () -> loop.createDatagramEndpoint(() -> new DatagramRecorder(loop), socket));
      e.transport().close();
      assertNull(await(loop, r.lost, "connectionLost"));
      assertFalse(socket.isOpen(), "closing the transport closed the socket");
      hub.transport().close();
      await(loop, hub.protocol().lost, "connectionLost");
    }
  }

  @BackendTest
  void anEndpointRefusesWhatIsNotAnOpenDatagramSocketOfTheLoop(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        EventLoop other = Backends.open(backend)) {
      NetSocket tcp = loop.openTcpSocket(StandardProtocolFamily.INET);
      NetSocket foreign = other.openDatagramSocket(StandardProtocolFamily.INET);
      NetSocket closed = loop.openDatagramSocket(StandardProtocolFamily.INET);
      closed.close();
      try {
        assertThrows(
            IllegalArgumentException.class,
            () -> loop.createDatagramEndpoint(() -> new DatagramRecorder(loop), tcp));
        assertThrows(
            IllegalArgumentException.class,
            () -> loop.createDatagramEndpoint(() -> new DatagramRecorder(loop), foreign));
        assertThrows(
            IllegalArgumentException.class,
            () -> loop.createDatagramEndpoint(() -> new DatagramRecorder(loop), closed));
        // A factory that fails leaves the socket the caller's: it can still close it.
        NetSocket mine = loop.openDatagramSocket(StandardProtocolFamily.INET);
        Throwable failed =
            awaitFailure(
                loop,
                loop.createDatagramEndpoint(
                    () -> {
                      throw new IllegalStateException("no protocol today");
                    },
                    mine),
                "a failing factory");
        assertEquals("no protocol today", failed.getMessage());
        mine.close();
        assertFalse(mine.isOpen());
      } finally {
        tcp.close();
        foreign.close();
      }
    }
  }
}
