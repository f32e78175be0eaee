package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.awaitFailure;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.EventLoop;
import zloop.ExtraInfo;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.ServerOptions;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** asyncio's Server: close, waitClosed, serveForever, startServing, sockets, closeClients, abortClients. */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class ServerApiTest {
  private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

  /** Connects a recorder and checks one echo through it. */
  private static Connection<Recorder.Plain> echoOnce(EventLoop loop, String host, int port) {
    Recorder.Plain r = new Recorder.Plain(loop);
    r.expect(PING.length);
    Connection<Recorder.Plain> c = await(loop, loop.createConnection(() -> r, host, port), "connect to " + host + ":" + port);
    c.transport().write(PING);
    await(loop, r.gotAll, "the echo from " + host + ":" + port);
    assertArrayEquals(PING, r.bytes());
    return c;
  }

  private static void closeAndWait(EventLoop loop, Connection<Recorder.Plain> c) {
    c.transport().close();
    await(loop, c.protocol().lost, "connectionLost");
  }

  /**
   * Connects to a port nobody should listen on any more and returns the failure. The listener's
   * port was ephemeral, so the kernel may pick that very port for the client, which then connects
   * to itself (TCP simultaneous open): such a self-connect says nothing about the listener, so it
   * is closed and the connect tried again; any other connection fails the test.
   */
  private static Throwable connectToAClosedPort(EventLoop loop, int port) {
    for (int attempt = 1; ; attempt++) {
      Future<Connection<Recorder.Plain>> connect =
          loop.createConnection(() -> new Recorder.Plain(loop), "127.0.0.1", port);
      Object result;
      try {
        result = await(loop, connect, "connect after close()");
      } catch (CompletionException e) {
        return e.getCause() != null ? e.getCause() : e;
      }
      Connection<?> c = (Connection<?>) result;
      SocketAddress local = c.transport().getExtraInfo(ExtraInfo.SOCKNAME);
      c.transport().abort();
      boolean selfConnect = local instanceof InetSocketAddress a && a.getPort() == port;
      if (!selfConnect || attempt == 5) {
        throw new AssertionError(
            "connect after close() to port " + port + ": expected a failure, got " + c + " from " + local);
      }
    }
  }

  @BackendTest
  void closeStopsListeningButWaitClosedWaitsForTheConnections(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      assertSame(loop, server.loop());
      assertTrue(server.isServing());
      int port = port(server);
      Connection<Recorder.Plain> c = echoOnce(loop, "127.0.0.1", port);
      Future<Void> closed = server.waitClosed();
      assertFalse(closed.isDone());

      server.close();
      server.close(); // idempotent
      assertFalse(server.isServing());
      assertEquals(List.of(), server.sockets(), "no listening sockets once closed");
      Throwable refused = connectToAClosedPort(loop, port);
      assertInstanceOf(ConnectException.class, refused, "nobody listens after close(): " + refused);

      // The accepted connection outlives the listener, and waitClosed waits for it.
      Net.spin(loop, 3);
      assertFalse(closed.isDone(), "waitClosed() is not done while an accepted connection is open");
      Future<Long> second = c.protocol().receivedAtLeast(2L * PING.length);
      c.transport().write(PING);
      await(loop, second, "an echo on the accepted connection after close()");
      closeAndWait(loop, c);
      await(loop, closed, "waitClosed() once the last connection is gone");
      await(loop, server.waitClosed(), "waitClosed() called after everything closed");
    }
  }

  @BackendTest
  void cancellingServeForeverClosesTheServer(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server =
          await(
              loop,
              loop.createServer(Echo.Plain::new, "127.0.0.1", 0, ServerOptions.DEFAULT.withStartServing(false)),
              "createServer");
      int port = port(server);
      Future<Void> forever = server.serveForever();
      assertTrue(server.isServing(), "serveForever() starts serving");
      Connection<Recorder.Plain> c = echoOnce(loop, "127.0.0.1", port);
      assertFalse(forever.isDone());
      loop.callSoon(forever::cancel);
      Throwable e = awaitFailure(loop, forever, "serveForever() after cancel()");
      assertInstanceOf(CancellationException.class, e);
      assertFalse(server.isServing(), "cancelling serveForever() closes the server");
      assertEquals(List.of(), server.sockets());
      closeAndWait(loop, c);
      await(loop, server.waitClosed(), "waitClosed()");
    }
  }

  @BackendTest
  void serveForeverCompletesWhenTheServerIsClosed(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      Future<Void> forever = server.serveForever();
      loop.callSoon(server::close);
      await(loop, forever, "serveForever() after close()");
      assertFalse(forever.isCancelled());
      await(loop, server.waitClosed(), "waitClosed()");
    }
  }

  @BackendTest
  void aServerCreatedNotServingAcceptsOnlyAfterStartServing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Plain p = new Recorder.Plain(loop) {
                      @Override
                      public void dataReceived(java.nio.ByteBuffer data) {
                        super.dataReceived(data.duplicate());
                        transport.write(data);
                      }
                    };
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0,
                  ServerOptions.DEFAULT.withStartServing(false)),
              "createServer(startServing=false)");
      try {
        assertFalse(server.isServing());
        assertEquals(1, server.sockets().size(), "it listens already");
        // Before startServing() nobody accepts. Whether the socket already listens is not part of
        // the contract (asyncio listens only when serving starts, so a connect is refused; a loop
        // that listens early leaves it in the backlog): either way no protocol is made.
        Recorder.Plain r = new Recorder.Plain(loop);
        r.expect(PING.length);
        Future<Connection<Recorder.Plain>> early = loop.createConnection(() -> r, "127.0.0.1", port(server));
        Net.spin(loop, 5);
        Connection<Recorder.Plain> c = null;
        if (early.isDone() && early.exception() == null) {
          c = early.result();
          c.transport().write(PING);
          Net.spin(loop, 5);
        } else if (early.isDone()) {
          assertInstanceOf(ConnectException.class, early.exception(), "a connect before serving starts");
        }
        assertEquals(0, accepted.size(), "no connection accepted before startServing()");
        assertEquals(0, r.received);

        await(loop, server.startServing(), "startServing()");
        assertTrue(server.isServing());
        if (c == null) {
          if (!early.isDone()) {
            early.cancel();
          }
          c = echoOnce(loop, "127.0.0.1", port(server));
        } else {
          await(loop, r.gotAll, "the echo of the connection from the backlog, once serving");
        }
        assertEquals(1, accepted.size());
        await(loop, server.startServing(), "startServing() again is harmless");
        closeAndWait(loop, c);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void closeClientsAndAbortClientsEndTheAcceptedConnections(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      int port = port(server);
      Connection<Recorder.Plain> a = echoOnce(loop, "127.0.0.1", port);
      Connection<Recorder.Plain> b = echoOnce(loop, "127.0.0.1", port);
      server.closeClients();
      await(loop, a.protocol().eof, "EOF at client A after closeClients()");
      await(loop, b.protocol().eof, "EOF at client B after closeClients()");
      assertNull(await(loop, a.protocol().lost, "A's connectionLost"));
      assertNull(await(loop, b.protocol().lost, "B's connectionLost"));
      assertTrue(server.isServing(), "closeClients() leaves the listener alone");

      Connection<Recorder.Plain> c = echoOnce(loop, "127.0.0.1", port);
      server.abortClients();
      await(loop, c.protocol().lost, "C's connectionLost after abortClients()");
      assertTrue(server.isServing(), "abortClients() leaves the listener alone");
      server.close();
      await(loop, server.waitClosed(), "waitClosed() with every client gone");
    }
  }

  @BackendTest
  void socketsListTheLocalAddresses(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        List<NetSocket> sockets = server.sockets();
        assertEquals(1, sockets.size());
        SocketAddress local = sockets.get(0).localAddress();
        InetSocketAddress inet = assertInstanceOf(InetSocketAddress.class, local);
        assertEquals("127.0.0.1", inet.getAddress().getHostAddress());
        assertTrue(inet.getPort() > 0);
        assertTrue(sockets.get(0).isOpen());
        assertNull(sockets.get(0).remoteAddress(), "a listener has no peer");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** host null: every interface, IPv4 and IPv6, on one port. */
  @BackendTest
  void aServerOnAllInterfacesAnswersOnIpv4AndIpv6(String backend) {
    Requires.ipv6Loopback();
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, (String) null, 0), "createServer(null host)");
      try {
        Set<Class<?>> families = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (NetSocket s : server.sockets()) {
          InetSocketAddress a = (InetSocketAddress) s.localAddress();
          families.add(a.getAddress() instanceof Inet6Address ? Inet6Address.class : Inet4Address.class);
          ports.add(a.getPort());
          assertTrue(a.getAddress().isAnyLocalAddress(), "a wildcard address: " + a);
        }
        // Two listeners (0.0.0.0 and an IPV6_V6ONLY ::), or, where a backend cannot set
        // IPV6_V6ONLY (nio), one dual-stack :: listener that takes IPv4 connections too.
        boolean oneDualStack = server.sockets().size() == 1 && families.equals(Set.of(Inet6Address.class));
        assertTrue(
            oneDualStack || families.equals(Set.of(Inet4Address.class, Inet6Address.class)),
            "listeners for both families: " + server.sockets());
        if (oneDualStack) {
          assertEquals("nio", backend, "only nio lacks IPV6_V6ONLY: " + server.sockets());
        }
        assertEquals(1, ports.size(), "one port for both families: " + server.sockets());
        int port = ports.iterator().next();
        Connection<Recorder.Plain> v4 = echoOnce(loop, "127.0.0.1", port);
        Connection<Recorder.Plain> v6 = echoOnce(loop, "::1", port);
        assertInstanceOf(Inet6Address.class, ((InetSocketAddress) v6.transport().getExtraInfo("peername")).getAddress());
        closeAndWait(loop, v4);
        closeAndWait(loop, v6);
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
