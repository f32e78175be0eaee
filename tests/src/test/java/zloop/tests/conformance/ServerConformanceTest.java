package zloop.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.ConnectOptions;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.ServerOptions;
import zloop.UnixAddress;
import zloop.tests.BackendTest;
import zloop.tests.Backends;
import zloop.tests.net.Requires;

/** Facts of CPython's test_server.py and the server/connection parts of test_events.py and test_base_events.py, ported. */
@ExtendWith(SocketLeakCheck.class)
@Timeout(60)
class ServerConformanceTest {

  /** The protocols a server's factory made, in accept order. */
  private static final class Accepted {
    final List<Wire> wires = new ArrayList<>();
    final EventLoop loop;

    Accepted(EventLoop loop) {
      this.loop = loop;
    }

    Wire make() {
      Wire w = new Wire(loop);
      wires.add(w);
      return w;
    }

    Wire first() {
      for (int i = 0; i < 1000 && wires.isEmpty(); i++) {
        loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
      }
      assertFalse(wires.isEmpty(), "the server accepted nothing");
      return wires.get(0);
    }
  }

  private static int port(Server server) {
    for (NetSocket s : server.sockets()) {
      if (s.localAddress() instanceof InetSocketAddress a) {
        return a.getPort();
      }
    }
    throw new AssertionError("no TCP listening socket: " + server.sockets());
  }

  private static Server server(EventLoop loop, Accepted accepted, String host, ServerOptions options) {
    return Turns.await(loop, loop.createServer(accepted::make, host, 0, options), "createServer");
  }

  private static void shutdown(EventLoop loop, Server server) {
    server.close();
    server.abortClients();
    Turns.await(loop, server.waitClosed(), "waitClosed after close + abortClients");
  }

  @BackendTest
  void aServerOnPortZeroListensOnABoundPortAndServes(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = server(loop, accepted, "127.0.0.1", ServerOptions.DEFAULT);
      try {
        assertEquals(1, server.sockets().size());
        InetSocketAddress bound = (InetSocketAddress) server.sockets().get(0).localAddress();
        assertEquals("127.0.0.1", bound.getAddress().getHostAddress());
        assertTrue(bound.getPort() > 0);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), bound.getPort())) {
          client.getOutputStream().write("xxx".getBytes(StandardCharsets.US_ASCII));
          Wire w = accepted.first();
          Turns.await(loop, w.made, "connectionMade");
          Turns.await(loop, w.expect(3), "3 bytes");
          assertNotNull(w.transport.getExtraInfo("sockname"));
          assertEquals("127.0.0.1", ((InetSocketAddress) w.transport.getExtraInfo("peername")).getAddress().getHostAddress());
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void serverLoopIsTheLoopThatCreatedIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT);
      assertSame(loop, server.loop());
      shutdown(loop, server);
    }
  }

  @BackendTest
  void aClosedServerRefusesConnectionsAndListsNoSockets(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT);
      int port = port(server);
      assertTrue(server.isServing());
      server.close();
      assertFalse(server.isServing());
      assertTrue(server.sockets().isEmpty());
      server.close(); // idempotent
      Turns.await(loop, server.waitClosed(), "waitClosed");
      assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }
  }

  @BackendTest
  void startServingFalseDefersAcceptingUntilStartServing(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = server(loop, accepted, "127.0.0.1", ServerOptions.DEFAULT.withStartServing(false));
      try {
        assertFalse(server.isServing());
        assertEquals(1, server.sockets().size(), "bound and listening, just not accepting");
        Turns.await(loop, server.startServing(), "startServing");
        assertTrue(server.isServing());
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
          Turns.await(loop, accepted.first().made, "connectionMade after startServing");
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void serveForeverCompletesWhenTheServerIsClosed(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT.withStartServing(false));
      Future<Void> forever = server.serveForever();
      Turns.briefly(loop);
      assertTrue(server.isServing());
      assertFalse(forever.isDone());
      loop.callSoon(server::close);
      Throwable t = null;
      try {
        Turns.await(loop, forever, "serveForever to end");
      } catch (CancellationException e) {
        t = e;
      }
      assertTrue(forever.isDone());
      assertFalse(server.isServing());
      Turns.await(loop, server.waitClosed(), "waitClosed");
      assertTrue(t == null || t instanceof CancellationException);
    }
  }

  @BackendTest
  void cancellingServeForeverClosesTheServer(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT);
      Future<Void> forever = server.serveForever();
      Turns.briefly(loop);
      forever.cancel();
      Turns.briefly(loop);
      assertFalse(server.isServing());
      Turns.await(loop, server.waitClosed(), "waitClosed");
    }
  }

  @BackendTest
  void waitClosedWaitsForCloseAndForEveryClientToGo(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = server(loop, accepted, "127.0.0.1", ServerOptions.DEFAULT);
      Future<Void> early = server.waitClosed();
      Turns.briefly(loop);
      assertFalse(early.isDone(), "not closed, no clients");
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
        Wire w = accepted.first();
        Turns.await(loop, w.made, "connectionMade");
        server.close();
        Future<Void> afterClose = server.waitClosed();
        Turns.briefly(loop);
        assertFalse(early.isDone(), "closed, one client left");
        assertFalse(afterClose.isDone());
        w.transport.close();
        Turns.await(loop, early, "waitClosed once the client is gone");
        Turns.await(loop, afterClose, "the later waitClosed too");
        assertTrue(server.waitClosed().isDone() || Turns.await(loop, server.waitClosed(), "again") == null);
      }
    }
  }

  @BackendTest
  void closeClientsEndsTheAcceptedConnections(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = server(loop, accepted, "127.0.0.1", ServerOptions.DEFAULT);
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
        Wire w = accepted.first();
        Turns.await(loop, w.made, "connectionMade");
        Future<Void> closed = server.waitClosed();
        server.close();
        server.closeClients();
        Turns.await(loop, closed, "waitClosed after closeClients");
        assertEquals(null, Turns.await(loop, w.lost, "connectionLost"));
        assertEquals(-1, client.getInputStream().read(), "the client sees EOF");
      }
    }
  }

  @BackendTest
  void abortClientsDropsBufferedDataAndEndsTheConnections(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = server(loop, accepted, "127.0.0.1", ServerOptions.DEFAULT);
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
        client.setReceiveBufferSize(65536);
        Wire w = accepted.first();
        Turns.await(loop, w.made, "connectionMade");
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < 64 && w.transport.getWriteBufferSize() == 0; i++) {
          w.transport.write(chunk);
        }
        assertTrue(w.transport.getWriteBufferSize() > 0, "the transport has buffered data");
        Future<Void> closed = server.waitClosed();
        server.close();
        server.abortClients();
        Turns.await(loop, closed, "waitClosed after abortClients");
        Turns.await(loop, w.lost, "connectionLost");
      }
    }
  }

  @BackendTest
  void reusePortIsOffByDefaultAndOnWhenAsked(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Server plain = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT);
      try {
        assertFalse(plain.sockets().get(0).getOption(StandardSocketOptions.SO_REUSEPORT));
      } finally {
        shutdown(loop, plain);
      }
      Server shared = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT.withReusePort(true));
      try {
        assertTrue(shared.sockets().get(0).getOption(StandardSocketOptions.SO_REUSEPORT));
        Server second = Turns.await(loop, loop.createServer(() -> new Wire(loop), "127.0.0.1", port(shared), ServerOptions.DEFAULT.withReusePort(true)), "a second server on the same port");
        assertEquals(port(shared), port(second));
        shutdown(loop, second);
      } finally {
        shutdown(loop, shared);
      }
    }
  }

  @BackendTest
  void aServerOnAPortInUseFailsWithBindException(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Throwable t = Turns.awaitFailure(loop, loop.createServer(() -> new Wire(loop), "127.0.0.1", taken.getLocalPort(), ServerOptions.DEFAULT), "createServer on a taken port");
      assertInstanceOf(BindException.class, t);
    }
  }

  @BackendTest
  void aServerOnSeveralHostsListensOnEach(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = Turns.await(loop, loop.createServer(() -> new Wire(loop), List.of("127.0.0.1", "127.0.0.2"), 0, ServerOptions.DEFAULT), "createServer on two hosts");
      try {
        Set<String> hosts = new TreeSet<>();
        for (NetSocket s : server.sockets()) {
          hosts.add(((InetSocketAddress) s.localAddress()).getAddress().getHostAddress());
        }
        assertEquals(Set.of("127.0.0.1", "127.0.0.2"), hosts);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aServerOnAllInterfacesAcceptsIpv4AndIpv6OnOnePort(String backend) throws IOException {
    Requires.ipv6Loopback();
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = server(loop, accepted, null, ServerOptions.DEFAULT);
      try {
        int port = port(server);
        for (NetSocket s : server.sockets()) {
          assertEquals(port, ((InetSocketAddress) s.localAddress()).getPort(), "one port everywhere");
        }
        try (Socket v4 = new Socket(InetAddress.getLoopbackAddress(), port);
            Socket v6 = new Socket(InetAddress.ofLiteral("::1"), port)) {
          for (int i = 0; i < 1000 && accepted.wires.size() < 2; i++) {
            loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
          }
          assertEquals(2, accepted.wires.size());
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void createConnectionBindsTheGivenLocalAddress(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = server(loop, accepted, "127.0.0.1", ServerOptions.DEFAULT);
      int localPort;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        localPort = probe.getLocalPort();
      }
      try {
        Wire wire = new Wire(loop);
        Connection<Wire> c = Turns.await(loop, loop.createConnection(() -> wire, "127.0.0.1", port(server), ConnectOptions.DEFAULT.withLocalAddress(new InetSocketAddress("127.0.0.1", localPort))), "createConnection with a local address");
        assertEquals(localPort, ((InetSocketAddress) c.transport().getExtraInfo("sockname")).getPort());
        c.transport().close();
        Turns.await(loop, wire.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void createConnectionWithALocalAddressInUseFails(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT);
      try {
        InetSocketAddress taken = (InetSocketAddress) server.sockets().get(0).localAddress();
        Throwable t = Turns.awaitFailure(loop, loop.createConnection(() -> new Wire(loop), "127.0.0.1", port(server), ConnectOptions.DEFAULT.withLocalAddress(taken)), "createConnection from a taken local address");
        assertInstanceOf(BindException.class, t, () -> "got " + t);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void createConnectionToARefusedPortFailsWithConnectException(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      Throwable t = Turns.awaitFailure(loop, loop.createConnection(() -> new Wire(loop), "127.0.0.1", port, ConnectOptions.DEFAULT), "createConnection to a closed port");
      assertInstanceOf(ConnectException.class, t);
    }
  }

  @BackendTest
  void getaddrinfoOfALiteralGivesThatAddressAndPort(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<InetSocketAddress> v4 = Turns.await(loop, loop.getAddrInfo("127.0.0.1", 80), "getaddrinfo v4");
      assertEquals(List.of(new InetSocketAddress("127.0.0.1", 80)), v4);
      List<InetSocketAddress> v6 = Turns.await(loop, loop.getAddrInfo("::1", 443), "getaddrinfo v6");
      assertEquals(1, v6.size());
      assertTrue(v6.get(0).getAddress().isLoopbackAddress());
      assertEquals(443, v6.get(0).getPort());
    }
  }

  @BackendTest
  void getaddrinfoOfLocalhostGivesLoopbackAddresses(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<InetSocketAddress> all = Turns.await(loop, loop.getAddrInfo("localhost", 8080), "getaddrinfo localhost");
      assertFalse(all.isEmpty());
      for (InetSocketAddress a : all) {
        assertTrue(a.getAddress().isLoopbackAddress(), a.toString());
        assertEquals(8080, a.getPort());
      }
    }
  }

  @BackendTest
  void getnameinfoOfLoopbackGivesAName(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      String name = Turns.await(loop, loop.getNameInfo(new InetSocketAddress("127.0.0.1", 80)), "getnameinfo");
      assertNotNull(name);
      assertFalse(name.isEmpty());
    }
  }

  @BackendTest
  void aUnixServerAndConnectionExchangeData(String backend) throws IOException {
    Path dir = Files.createTempDirectory("zloop-srv");
    Path path = dir.resolve("s.sock");
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = Turns.await(loop, loop.createUnixServer(accepted::make, UnixAddress.of(path), ServerOptions.DEFAULT), "createUnixServer");
      try {
        Wire client = new Wire(loop);
        Connection<Wire> c = Turns.await(loop, loop.createUnixConnection(() -> client, UnixAddress.of(path)), "createUnixConnection");
        c.transport().write("over unix".getBytes(StandardCharsets.US_ASCII));
        Wire srv = accepted.first();
        assertEquals("over unix", new String(Turns.await(loop, srv.expect(9), "9 bytes"), StandardCharsets.US_ASCII));
        c.transport().close();
        Turns.await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(dir);
    }
  }

  @BackendTest
  void acceptedTcpConnectionsHaveNoDelaySet(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Accepted accepted = new Accepted(loop);
      Server server = server(loop, accepted, "127.0.0.1", ServerOptions.DEFAULT);
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
        Wire w = accepted.first();
        Turns.await(loop, w.made, "connectionMade");
        NetSocket s = (NetSocket) w.transport.getExtraInfo("socket");
        assertTrue(s.getOption(StandardSocketOptions.TCP_NODELAY));
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void clientTcpConnectionsHaveNoDelaySet(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT);
      try {
        Wire wire = new Wire(loop);
        Connection<Wire> c = Turns.await(loop, loop.createConnection(() -> wire, "127.0.0.1", port(server), ConnectOptions.DEFAULT), "createConnection");
        NetSocket s = (NetSocket) c.transport().getExtraInfo("socket");
        assertTrue(s.getOption(StandardSocketOptions.TCP_NODELAY));
        c.transport().close();
        Turns.await(loop, wire.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void createConnectionTriesTheNextAddressWhenOneRefuses(String backend) throws IOException {
    // "localhost" may resolve to ::1 and 127.0.0.1; listening only on the IPv4 one, the
    // connection must still succeed whichever order the resolver gives.
    try (EventLoop loop = Backends.open(backend)) {
      List<InetSocketAddress> resolved = Turns.await(loop, loop.getAddrInfo("localhost", 1), "getaddrinfo localhost");
      org.junit.jupiter.api.Assumptions.assumeTrue(resolved.stream().anyMatch(a -> a.getAddress() instanceof java.net.Inet4Address), "localhost has no IPv4 address here");
      Server server = server(loop, new Accepted(loop), "127.0.0.1", ServerOptions.DEFAULT);
      try {
        for (ConnectOptions options : List.of(ConnectOptions.DEFAULT, ConnectOptions.DEFAULT.withHappyEyeballsDelay(Duration.ofMillis(250)))) {
          Wire wire = new Wire(loop);
          Connection<Wire> c = Turns.await(loop, loop.createConnection(() -> wire, "localhost", port(server), options), "createConnection to localhost with " + options);
          SocketAddress peer = (SocketAddress) c.transport().getExtraInfo("peername");
          assertEquals(new InetSocketAddress("127.0.0.1", port(server)), peer);
          c.transport().close();
          Turns.await(loop, wire.lost, "connectionLost");
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
