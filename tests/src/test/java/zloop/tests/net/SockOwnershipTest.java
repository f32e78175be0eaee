package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * The socket a transport or a server hands out is asyncio's {@code TransportSocket}: the user may
 * read its addresses, descriptor and options and set options, but not close, bind or listen on it,
 * nor use it with the {@code sock*} methods, while its owner holds it; and it is always the loop's
 * own object, never the backend's.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class SockOwnershipTest {

  private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

  /** The case: closing getExtraInfo("socket") would pull the fd from under the transport. */
  @BackendTest
  void aUserCannotCloseATransportsSocketAndTheEchoGoesOn(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Transport t =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect").transport();
        NetSocket socket = assertInstanceOf(NetSocket.class, t.getExtraInfo("socket"));
        assertSame(socket, t.getExtraInfo("socket"), "one socket object per transport");

        refused(socket::close, "close()", "transport");
        refused(() -> socket.bind(new InetSocketAddress(Net.LOOPBACK4, 0)), "bind", "transport");
        refused(() -> socket.listen(5), "listen", "transport");
        assertTrue(socket.isOpen(), "the refused close left the socket open");

        // What TransportSocket allows: addresses, options (read and set), the descriptor.
        assertEquals(t.getExtraInfo("sockname"), socket.localAddress());
        assertEquals(t.getExtraInfo("peername"), socket.remoteAddress());
        assertTrue(socket.getOption(StandardSocketOptions.TCP_NODELAY), "TCP_NODELAY as the loop set it");
        socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        assertTrue(socket.getOption(StandardSocketOptions.SO_KEEPALIVE));

        client.expect(2L * PING.length);
        t.write(PING);
        await(loop, client.receivedAtLeast(PING.length), "the echo after the refused close");
        t.write(PING);
        await(loop, client.gotAll, "a second echo");
        assertEquals("pingping", new String(client.bytes(), StandardCharsets.US_ASCII));

        t.close();
        await(loop, client.lost, "connectionLost");
        socket.close(); // the owner closed it: closing again is the no-op it is on any closed socket
        assertFalse(socket.isOpen());
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** The accepted side too, and the sock* methods, which would take the transport's events. */
  @BackendTest
  void anAcceptedTransportsSocketIsRefusedToCloseAndToSockOperations(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server = recordingServer(loop, accepted);
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Transport t =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect").transport();
        Recorder.Plain serverSide = Net.serverSide(loop, accepted, t);
        NetSocket socket = (NetSocket) serverSide.transport.getExtraInfo("socket");
        refused(socket::close, "close()", "transport");
        refused(() -> loop.sockRecv(socket, 10), "sockRecv", "transport");
        refused(() -> loop.sockSendAll(socket, java.nio.ByteBuffer.wrap(PING)), "sockSendAll", "transport");
        refused(() -> loop.connectAcceptedSocket(Echo.Plain::new, socket), "connectAcceptedSocket", "transport");

        serverSide.expect(PING.length);
        t.write(PING);
        await(loop, serverSide.gotAll, "bytes reach the server's protocol, not a sockRecv");
        client.expect(PING.length);
        serverSide.transport.write(PING);
        await(loop, client.gotAll, "bytes from the server side");
        t.close();
        await(loop, serverSide.lost, "the server side's connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aServersListeningSocketsAreTheServers(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        List<NetSocket> sockets = server.sockets();
        assertEquals(1, sockets.size());
        NetSocket listener = sockets.get(0);
        assertSame(listener, server.sockets().get(0), "the same socket object on every call");
        refused(listener::close, "close()", "server");
        refused(() -> listener.listen(1), "listen", "server");
        refused(() -> loop.sockAccept(listener), "sockAccept", "server");

        Recorder.Plain client = new Recorder.Plain(loop);
        client.expect(PING.length);
        Transport t =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect").transport();
        t.write(PING);
        await(loop, client.gotAll, "the server still serves after the refused close");
        t.close();
        await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
      assertTrue(server.sockets().isEmpty(), "no sockets once closed");
    }
  }

  /** Every socket the public API hands out is the engine's, never a backend's own object. */
  @BackendTest
  void noPublicMethodReturnsABackendObject(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server = recordingServer(loop, accepted);
      try (NetSocket tcp = loop.openTcpSocket(StandardProtocolFamily.INET);
          NetSocket unix = loop.openUnixSocket()) {
        Recorder.Plain client = new Recorder.Plain(loop);
        Transport t =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect").transport();
        Recorder.Plain serverSide = Net.serverSide(loop, accepted, t);
        engineOwn(t.getExtraInfo("socket"), "a client transport's \"socket\"");
        engineOwn(serverSide.transport.getExtraInfo("socket"), "an accepted transport's \"socket\"");
        engineOwn(server.sockets().get(0), "Server.sockets()");
        engineOwn(tcp, "openTcpSocket");
        engineOwn(unix, "openUnixSocket");

        tcp.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
        tcp.listen(4);
        Future<NetSocket> accepting = loop.sockAccept(tcp);
        try (NetSocket dialer = loop.openTcpSocket(StandardProtocolFamily.INET)) {
          await(loop, loop.sockConnect(dialer, tcp.localAddress()), "sockConnect");
          try (NetSocket got = await(loop, accepting, "sockAccept")) {
            engineOwn(got, "sockAccept");
          }
        }
        t.close();
        await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** NetSocket says "loop thread only": another thread is told so while the loop runs. */
  @BackendTest
  void anotherThreadIsRefusedWhileTheLoopRuns(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket socket = loop.openTcpSocket(StandardProtocolFamily.INET)) {
      Future<Object> outcome = loop.createFuture();
      // Started from a callback: the loop runs until the thread reports back.
      loop.callSoon(
          () ->
              Thread.ofPlatform()
                  .start(
                      () -> {
                        Object r;
                        try {
                          r = "no exception, address " + socket.localAddress();
                        } catch (RuntimeException e) {
                          r = e;
                        }
                        Object result = r;
                        loop.callSoonThreadsafe(() -> outcome.setResult(result));
                      }));
      IllegalStateException e =
          assertInstanceOf(IllegalStateException.class, await(loop, outcome, "the other thread's call"));
      assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
    }
  }

  /** A server on 127.0.0.1 whose connections' protocols are recorders, listed in {@code accepted}. */
  private static Server recordingServer(EventLoop loop, List<Recorder.Plain> accepted) {
    Supplier<Recorder.Plain> recording =
        () -> {
          Recorder.Plain r = new Recorder.Plain(loop);
          accepted.add(r);
          return r;
        };
    return await(loop, loop.createServer(recording, "127.0.0.1", 0), "createServer");
  }

  private static void engineOwn(Object socket, String what) {
    assertNotNull(socket, what);
    assertEquals("zloop.engine", socket.getClass().getModule().getName(), what + ": " + socket.getClass());
    for (Class<?> c = socket.getClass(); c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        assertFalse(i.getName().startsWith("zloop.engine.spi."), what + " is a backend object: " + socket.getClass());
      }
    }
  }

  private static void refused(Executable call, String what, String owner) {
    IllegalStateException e = assertThrows(IllegalStateException.class, call, what + " on a " + owner + "'s socket");
    assertTrue(
        e.getMessage().contains("owned by a " + owner + "; close the " + owner + " instead"),
        () -> what + ": " + e.getMessage());
  }
}
