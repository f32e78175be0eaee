package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.DatagramEndpoint;
import zloop.DatagramOptions;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.NetSocket;
import zloop.ReceivedDatagram;
import zloop.UnixAddress;
import zloop.WriteBufferLimits;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * What a datagram endpoint promises besides moving datagrams: connected and unconnected
 * endpoints, socket options, ICMP errors, closing, and refusals of bad arguments.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class DatagramEndpointTest {

  private static final InetSocketAddress ANY_LOCAL4 = new InetSocketAddress(Net.LOOPBACK4, 0);

  static DatagramEndpoint<DatagramRecorder> endpoint(
      EventLoop loop, SocketAddress local, SocketAddress remote, DatagramOptions options) {
    DatagramRecorder r = new DatagramRecorder(loop);
    return await(loop, loop.createDatagramEndpoint(() -> r, local, remote, options), "createDatagramEndpoint");
  }

  static SocketAddress sockname(DatagramEndpoint<?> e) {
    return (SocketAddress) e.transport().getExtraInfo("sockname");
  }

  static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @BackendTest
  void aConnectedEndpointTalksToItsPeerOnlyAndAnUnconnectedOneToAnyone(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      var hub = endpoint(loop, ANY_LOCAL4, null, null);
      var stranger = endpoint(loop, ANY_LOCAL4, null, null);
      var connected = endpoint(loop, ANY_LOCAL4, sockname(hub), null);
      DatagramRecorder c = connected.protocol();
      assertEquals(sockname(hub), connected.transport().getExtraInfo("peername"));
      assertEquals(1, c.madeCalls, "connectionMade ran before the future completed");

      // The stranger writes first: the connected endpoint's kernel filters it out.
      stranger.transport().sendTo(text("from the stranger"), sockname(connected));
      connected.transport().send(text("hello hub"));
      stranger.transport().sendTo(text("hello hub from the stranger"), sockname(hub));
      await(loop, hub.protocol().expect(2), "the hub hears both");
      List<SocketAddress> senders = new ArrayList<>();
      hub.protocol().datagrams.forEach(d -> senders.add(d.from()));
      assertTrue(senders.contains(sockname(connected)), "sender addresses: " + senders);
      assertTrue(senders.contains(sockname(stranger)), "sender addresses: " + senders);

      // The unconnected hub answers each sender; the connected endpoint hears only its peer.
      hub.transport().sendTo(text("to the stranger"), sockname(stranger));
      hub.transport().sendTo(text("to you"), sockname(connected));
      await(loop, c.expect(1), "the connected endpoint hears the hub");
      await(loop, stranger.protocol().expect(1), "the stranger hears the hub");
      assertEquals("to you", text(c.datagrams.get(0).data()), "the stranger's datagram was filtered");
      assertEquals(sockname(hub), c.datagrams.get(0).from());

      // The peer's own address is accepted on a connected endpoint; any other is refused.
      connected.transport().sendTo(text("again"), sockname(hub));
      await(loop, hub.protocol().expect(3), "a sendTo naming the peer");
      IllegalArgumentException wrong =
          assertThrows(
              IllegalArgumentException.class,
              () -> connected.transport().sendTo(text("x"), sockname(stranger)));
      assertTrue(wrong.getMessage().contains("must be null or"), wrong.getMessage());
      IllegalArgumentException none =
          assertThrows(IllegalArgumentException.class, () -> hub.transport().send(text("x")));
      assertTrue(none.getMessage().contains("not connected"), none.getMessage());
      for (var e : List.of(hub, stranger, connected)) {
        e.transport().close();
        await(loop, e.protocol().lost, "connectionLost");
      }
    }
  }

  @BackendTest
  void broadcastIsOffUnlessAskedForAndThenReachesTheLoopbackBroadcastAddress(String backend)
      throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      var plain = endpoint(loop, ANY_LOCAL4, null, null);
      var broadcaster = endpoint(loop, ANY_LOCAL4, null, DatagramOptions.DEFAULT.withAllowBroadcast(true));
      var listener = endpoint(loop, new InetSocketAddress("0.0.0.0", 0), null, null);
      assertFalse(option(plain, StandardSocketOptions.SO_BROADCAST), "SO_BROADCAST by default");
      assertTrue(option(broadcaster, StandardSocketOptions.SO_BROADCAST), "SO_BROADCAST asked for");
      int port = ((InetSocketAddress) sockname(listener)).getPort();
      InetSocketAddress broadcast = new InetSocketAddress("127.255.255.255", port);

      plain.transport().sendTo(text("refused"), broadcast);
      IOException refused = await(loop, plain.protocol().nextError(), "the kernel refuses a broadcast");
      assertTrue(refused.getMessage().contains("EACCES") || refused.getMessage().contains("ermission"), refused.toString());
      assertFalse(plain.transport().isClosing(), "an error is not fatal");

      broadcaster.transport().sendTo(text("to all"), broadcast);
      await(loop, listener.protocol().expect(1), "the broadcast arrives");
      assertEquals("to all", text(listener.protocol().datagrams.get(0).data()));
      for (var e : List.of(plain, broadcaster, listener)) {
        e.transport().abort();
        await(loop, e.protocol().lost, "connectionLost");
      }
    }
  }

  @BackendTest
  void reusePortLetsTwoEndpointsShareAPortAndItsAbsenceDoesNot(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      DatagramOptions shared = DatagramOptions.DEFAULT.withReusePort(true);
      var first = endpoint(loop, ANY_LOCAL4, null, shared);
      assertTrue(option(first, StandardSocketOptions.SO_REUSEPORT), "SO_REUSEPORT set");
      var second = endpoint(loop, sockname(first), null, shared);
      assertEquals(sockname(first), sockname(second), "both on one port");
      Throwable taken =
          awaitFailure(
              loop,
              loop.createDatagramEndpoint(() -> new DatagramRecorder(loop), sockname(first), null, null),
              "a third endpoint without reusePort");
      assertInstanceOf(BindException.class, taken);
      first.transport().close();
      second.transport().close();
      await(loop, second.protocol().lost, "connectionLost");
    }
  }

  private static <T> T option(DatagramEndpoint<?> e, java.net.SocketOption<T> option)
      throws IOException {
    return ((NetSocket) e.transport().getExtraInfo("socket")).getOption(option);
  }

  /** A port where nobody listens: bound, noted, closed. */
  static InetSocketAddress closedPort() throws IOException {
    try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET)) {
      c.bind(ANY_LOCAL4);
      return (InetSocketAddress) c.getLocalAddress();
    }
  }

  @BackendTest
  void anIcmpPortUnreachableReachesErrorReceivedAndTheEndpointGoesOn(String backend)
      throws IOException {
    // On kqueue through libkqueue the ICMP error arrives in EV_EOF's fflags (libkqueue reads, and so
    // clears, SO_ERROR to fill it): the watch path must carry it to the datagram core.
    try (EventLoop loop = Backends.open(backend)) {
      var e = endpoint(loop, ANY_LOCAL4, closedPort(), null);
      DatagramRecorder r = e.protocol();
      e.transport().send(text("anyone there?"));
      IOException error = await(loop, r.nextError(), "errorReceived for the ICMP port unreachable");
      assertInstanceOf(PortUnreachableException.class, error, error.toString());
      assertFalse(e.transport().isClosing(), "the endpoint stays open");
      assertEquals(0, r.lostCalls, "no connectionLost");

      // It goes on: a second refusal is reported too, and the loop runs other work meanwhile.
      e.transport().send(text("still there?"));
      assertInstanceOf(PortUnreachableException.class, await(loop, r.nextError(), "the second refusal"));
      assertEquals("done", await(loop, loop.sleep(java.time.Duration.ZERO, "done"), "a later task"));
      e.transport().close();
      assertNull(await(loop, r.lost, "connectionLost"));
      assertEquals(List.of("made", "error", "error", "lost"), r.events);
    }
  }

  @BackendTest
  void aClosedTransportDropsSendsReportsLostOnceAndClosesItsSocket(String backend)
      throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      NetSocket peer = loop.openDatagramSocket(StandardProtocolFamily.INET);
      try {
        peer.bind(ANY_LOCAL4);
        var e = endpoint(loop, ANY_LOCAL4, peer.localAddress(), null);
        DatagramRecorder r = e.protocol();
        NetSocket socket = (NetSocket) e.transport().getExtraInfo("socket");
        assertThrows(IllegalStateException.class, socket::close, "the transport owns its socket");
        e.transport().send(text("before"));
        e.transport().close();
        assertTrue(e.transport().isClosing());
        assertEquals(0, r.lostCalls, "connectionLost comes on a later turn, not inside close()");
        ByteBuffer after = text("after close");
        for (int i = 0; i < 6; i++) {
          e.transport().send(after.rewind()); // dropped (and, from the fifth, logged)
        }
        assertEquals(0, after.remaining(), "a dropped datagram is consumed too");
        e.transport().close(); // idempotent
        e.transport().abort(); // and abort after close changes nothing
        assertNull(await(loop, r.lost, "connectionLost"));
        Net.spin(loop, 3);
        assertEquals(1, r.lostCalls, "connectionLost exactly once");
        assertFalse(socket.isOpen(), "the socket is closed after connectionLost");
        assertEquals(-1, socket.fd(), "a closed socket has no descriptor");
        assertEquals(sockname(e), e.transport().getExtraInfo("sockname"), "extra info stays readable");

        // The peer got "before" and nothing else: a marker sent now is the next datagram it reads.
        ReceivedDatagram first = await(loop, loop.sockRecvFrom(peer, 100), "the datagram sent before close");
        assertEquals("before", text(bytes(first.data())));
        var marker = endpoint(loop, null, peer.localAddress(), null);
        marker.transport().send(text("marker"));
        ReceivedDatagram next = await(loop, loop.sockRecvFrom(peer, 100), "the marker");
        assertEquals("marker", text(bytes(next.data())), "nothing sent after close arrived first");
        marker.transport().close();
        await(loop, marker.protocol().lost, "connectionLost");
      } finally {
        peer.close();
      }
    }
  }

  @BackendTest
  void aFailingDatagramReceivedIsReportedAndAbortsTheEndpointWithThatFailure(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, context) -> reported.add(context));
      RuntimeException boom = new IllegalStateException("boom");
      DatagramRecorder failing =
          new DatagramRecorder(loop) {
            @Override
            void onDatagram(ByteBuffer data, SocketAddress address) {
              throw boom;
            }
          };
      var e =
          await(loop, loop.createDatagramEndpoint(() -> failing, ANY_LOCAL4, null, null), "endpoint");
      var sender = endpoint(loop, null, sockname(e), null);
      sender.transport().send(text("one"));
      sender.transport().send(text("two"));
      assertSame(boom, await(loop, failing.lost, "connectionLost with the failure"));
      assertTrue(e.transport().isClosing());
      assertEquals(1, reported.size(), "reported once: " + reported);
      assertSame(boom, reported.get(0).exception());
      assertSame(e.transport(), reported.get(0).transport());
      assertSame(failing, reported.get(0).protocol());
      assertEquals(1, failing.count, "nothing delivered after the failure");
      sender.transport().close();
      await(loop, sender.protocol().lost, "connectionLost");
    }
  }

  @BackendTest
  void badArgumentsAreRefusedWithClearErrors(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalArgumentException noFamily =
          assertThrows(
              IllegalArgumentException.class,
              () -> loop.createDatagramEndpoint(() -> new DatagramRecorder(loop), null, null, null));
      assertTrue(noFamily.getMessage().contains("withFamily"), noFamily.getMessage());
      IllegalArgumentException mixed =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  loop.createDatagramEndpoint(
                      () -> new DatagramRecorder(loop), ANY_LOCAL4, UnixAddress.of("/tmp/x"), null));
      assertTrue(mixed.getMessage().contains("different kinds"), mixed.getMessage());
      assertThrows(
          NullPointerException.class, () -> loop.createDatagramEndpoint(null, ANY_LOCAL4, null, null));

      var e =
          endpoint(loop, null, null, DatagramOptions.DEFAULT.withFamily(StandardProtocolFamily.INET));
      var t = e.transport();
      assertThrows(NullPointerException.class, () -> t.sendTo(null, ANY_LOCAL4));
      assertMessage(
          "IPv6", () -> t.sendTo(text("x"), new InetSocketAddress(Net.LOOPBACK6, 9)));
      assertMessage(
          "unresolved", () -> t.sendTo(text("x"), InetSocketAddress.createUnresolved("example.invalid", 9)));
      assertMessage("Unix", () -> t.sendTo(text("x"), UnixAddress.of("/tmp/x")));
      assertMessage("not connected", () -> t.send(text("x")));
      assertThrows(NullPointerException.class, () -> t.setWriteBufferLimits(null));
      assertThrows(IllegalArgumentException.class, () -> new WriteBufferLimits(1, 2));
      assertThrows(NullPointerException.class, () -> t.setProtocol(null));

      NetSocket stream = loop.openTcpSocket(StandardProtocolFamily.INET);
      try {
        assertMessage("datagram socket", () -> loop.sockRecvFrom(stream, 10));
        assertMessage("datagram socket", () -> loop.sockSendTo(stream, text("x"), ANY_LOCAL4));
      } finally {
        stream.close();
      }
      NetSocket owned = (NetSocket) t.getExtraInfo("socket");
      assertThrows(IllegalStateException.class, () -> loop.sockRecvFrom(owned, 10));
      if (owned.fd() >= 0) {
        // asyncio's rule: a descriptor a transport owns cannot be watched behind its back.
        IllegalStateException watched =
            assertThrows(IllegalStateException.class, () -> loop.addReader(owned.fd(), () -> {}));
        assertTrue(watched.getMessage().contains("used by transport"), watched.getMessage());
        assertThrows(IllegalStateException.class, () -> loop.removeWriter(owned.fd()));
      }
      NetSocket free = loop.openDatagramSocket(StandardProtocolFamily.INET);
      try {
        assertThrows(IllegalArgumentException.class, () -> loop.sockRecvFrom(free, -1));
        assertThrows(
            IllegalArgumentException.class,
            () -> loop.sockRecvFromInto(free, ByteBuffer.allocate(4).asReadOnlyBuffer()));
        assertMessage("not connected", () -> loop.sockSendTo(free, text("x"), null));
        assertThrows(IOException.class, () -> free.listen(1));
      } finally {
        free.close();
      }
      t.close();
      await(loop, e.protocol().lost, "connectionLost");
    }
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), "the message names the problem (" + part + "): " + e.getMessage());
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @BackendTest
  void sockRecvFromSockRecvFromIntoAndSockSendToMoveDatagramsBetweenPlainSockets(String backend)
      throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      NetSocket a = loop.openDatagramSocket(StandardProtocolFamily.INET);
      NetSocket b = loop.openDatagramSocket(StandardProtocolFamily.INET);
      try {
        a.bind(ANY_LOCAL4);
        b.bind(ANY_LOCAL4);
        var received = loop.sockRecvFrom(a, 100); // waits: nothing sent yet
        assertFalse(received.isDone());
        assertEquals(5, await(loop, loop.sockSendTo(b, text("hello"), a.localAddress()), "sockSendTo"));
        ReceivedDatagram d = await(loop, received, "sockRecvFrom");
        assertEquals("hello", text(bytes(d.data())));
        assertEquals(b.localAddress(), d.address(), "the sender");

        ByteBuffer into = ByteBuffer.allocate(64);
        into.put((byte) 'X');
        var intoFuture = loop.sockRecvFromInto(b, into);
        await(loop, loop.sockSendTo(a, text("world"), b.localAddress()), "sockSendTo back");
        ReceivedDatagram d2 = await(loop, intoFuture, "sockRecvFromInto");
        assertEquals(5, d2.size());
        assertEquals("world", text(bytes(d2.data())));
        assertEquals(6, into.position(), "the buffer's position moved past the datagram");
        assertEquals('X', into.get(0), "bytes before the position are untouched");
        assertEquals(a.localAddress(), d2.address());

        // A datagram longer than asked for is cut, as recvfrom cuts it.
        await(loop, loop.sockSendTo(b, text("0123456789"), a.localAddress()), "a long one");
        assertArrayEquals("0123".getBytes(StandardCharsets.US_ASCII), bytes(await(loop, loop.sockRecvFrom(a, 4), "cut").data()));

        // An empty datagram is a datagram.
        await(loop, loop.sockSendTo(b, ByteBuffer.allocate(0), a.localAddress()), "an empty one");
        assertEquals(0, await(loop, loop.sockRecvFrom(a, 4), "empty").size());

        // A connected socket hears ICMP errors through its receive.
        await(loop, loop.sockConnect(b, closedPort()), "sockConnect on a datagram socket");
        await(loop, loop.sockSendTo(b, text("anyone?"), null), "send to a closed port");
        Throwable refused = awaitFailure(loop, loop.sockRecvFrom(b, 10), "the refusal");
        assertInstanceOf(PortUnreachableException.class, refused, refused.toString());
      } finally {
        a.close();
        b.close();
      }
    }
  }
}
