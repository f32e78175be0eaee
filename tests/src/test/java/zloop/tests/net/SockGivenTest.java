package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.awaitFailure;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.StreamPair;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * asyncio's {@code sock=}: {@code create_connection}, {@code create_server}, {@code
 * open_connection}, {@code start_server} and {@code connect_accepted_socket} (plain and TLS) on a
 * socket the caller made, which the transport or server then owns; and the refusals: dialing
 * options with a socket, TLS without a server name, a socket of another loop, something that is
 * not a zloop socket.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class SockGivenTest {

  private static final byte[] MESSAGE = "test data".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RESPONSE = "roger".getBytes(StandardCharsets.US_ASCII);

  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  /** A connected socket made with openTcpSocket + sockConnect, as asyncio's test connects one. */
  private static NetSocket connectedTo(EventLoop loop, int port) throws IOException {
    NetSocket s = loop.openTcpSocket(StandardProtocolFamily.INET);
    try {
      await(loop, loop.sockConnect(s, new InetSocketAddress(Net.LOOPBACK4, port)), "sockConnect");
    } catch (RuntimeException | AssertionError e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** test_events: create_connection(sock=) on a connected socket; the transport owns it. */
  @BackendTest
  void createConnectionOnAConnectedSocket(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        NetSocket sock = connectedTo(loop, port(server));
        SocketAddress local = sock.localAddress();
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c = await(loop, loop.createConnection(() -> client, sock), "createConnection(sock)");
        Transport t = c.transport();
        assertSame(sock, t.getExtraInfo("socket"), "the transport's socket is the one given");
        assertEquals(local, t.getExtraInfo("sockname"));
        assertThrows(IllegalStateException.class, sock::close, "the transport owns the socket now");
        client.expect(MESSAGE.length);
        t.write(MESSAGE);
        await(loop, client.gotAll, "the echo over the given socket");
        assertEquals("test data", new String(client.bytes(), StandardCharsets.US_ASCII));
        t.close();
        await(loop, client.lost, "connectionLost");
        assertFalse(sock.isOpen(), "closing the transport closed the socket");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** test_events: create_server(sock=) serves on the given socket and lists that very socket. */
  @BackendTest
  void createServerOnABoundSocket(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      NetSocket sock = loop.openTcpSocket(StandardProtocolFamily.INET);
      sock.bind(new InetSocketAddress("0.0.0.0", 0));
      Server server;
      try {
        server = await(loop, loop.createServer(Echo.Plain::new, sock), "createServer(sock)");
      } catch (RuntimeException | AssertionError e) {
        sock.close();
        throw e;
      }
      try {
        assertSame(sock, server.sockets().get(0), "server.sockets()[0] is the socket given");
        InetSocketAddress bound = (InetSocketAddress) sock.localAddress();
        assertTrue(bound.getAddress().isAnyLocalAddress(), "bound to 0.0.0.0: " + bound);
        assertThrows(IllegalStateException.class, sock::close, "the server owns the socket now");

        Recorder.Plain client = new Recorder.Plain(loop);
        client.expect(MESSAGE.length);
        Transport t =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", bound.getPort()), "connect").transport();
        t.write(MESSAGE);
        await(loop, client.gotAll, "served on the given socket");
        t.close();
        await(loop, client.lost, "connectionLost");

        // test_create_server_addr_in_use: a second server on that address fails as the kernel says.
        Throwable e =
            awaitFailure(loop, loop.createServer(Echo.Plain::new, "0.0.0.0", bound.getPort()), "second server");
        assertInstanceOf(BindException.class, e);
      } finally {
        shutdown(loop, server);
      }
      assertFalse(sock.isOpen(), "closing the server closed the socket");
    }
  }

  /** test_streams (start_server(sock=), open_connection(sock=)): the streams take sockets too. */
  @BackendTest
  void streamsServeAndConnectOnGivenSockets(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      NetSocket listening = loop.openTcpSocket(StandardProtocolFamily.INET);
      listening.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
      listening.listen(8);
      Server server =
          await(
              loop,
              loop.startServer(
                  (reader, writer) -> {
                    byte[] line = reader.readLine().join();
                    writer.write(line);
                    writer.drain().join();
                    writer.close();
                  },
                  listening),
              "startServer(sock)");
      try {
        NetSocket sock = connectedTo(loop, ((InetSocketAddress) listening.localAddress()).getPort());
        StreamPair pair = await(loop, loop.openConnection(sock), "openConnection(sock)");
        assertSame(sock, pair.writer().getExtraInfo("socket"));
        pair.writer().write("hello world!\n".getBytes(StandardCharsets.US_ASCII));
        byte[] back = await(loop, pair.reader().readLine(), "the line back");
        assertEquals("hello world!\n", new String(back, StandardCharsets.US_ASCII));
        pair.writer().close();
        await(loop, pair.writer().waitClosed(), "waitClosed");
        assertFalse(sock.isOpen());
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** test_events: connect_accepted_socket, plain: the accepted end serves the client. */
  @BackendTest
  void connectAcceptedSocketServesTheClient(String backend) throws IOException {
    acceptedSocketExchange(backend, null, null);
  }

  /** test_events: test_ssl_connect_accepted_socket: connect_accepted_socket(ssl=) is TLS's server. */
  @BackendTest
  void connectAcceptedSocketWithTlsIsTheTlsServer(String backend) throws IOException {
    TlsOptions server = TlsOptions.of(TlsCerts.get().context("server"));
    TlsOptions client = TlsOptions.of(TlsCerts.get().clientContext()).withServerHostname("localhost");
    acceptedSocketExchange(backend, server, client);
  }

  private static void acceptedSocketExchange(String backend, TlsOptions serverTls, TlsOptions clientTls)
      throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = loop.openTcpSocket(StandardProtocolFamily.INET)) {
      listener.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
      listener.listen(1);
      Future<NetSocket> accepting = loop.sockAccept(listener);
      Recorder.Plain client = new Recorder.Plain(loop);
      Future<Connection<Recorder.Plain>> connecting =
          loop.createConnection(
              () -> client,
              "127.0.0.1",
              ((InetSocketAddress) listener.localAddress()).getPort(),
              clientTls == null ? null : ConnectOptions.DEFAULT.withTls(clientTls));
      NetSocket accepted = await(loop, accepting, "sockAccept");
      Recorder.Plain serverSide =
          new Recorder.Plain(loop) {
            @Override
            public void dataReceived(ByteBuffer data) {
              super.dataReceived(data);
              if (received == MESSAGE.length) {
                transport.write(RESPONSE);
              }
            }
          };
      Connection<Recorder.Plain> adopted =
          await(loop, loop.connectAcceptedSocket(() -> serverSide, accepted, serverTls), "connectAcceptedSocket");
      Transport c = await(loop, connecting, "the client's connection").transport();
      if (serverTls != null) {
        assertEquals(true, adopted.transport().getExtraInfo("sslsession") != null, "a TLS transport");
      }
      client.expect(RESPONSE.length);
      c.write(MESSAGE);
      await(loop, client.gotAll, "the response");
      assertEquals("roger", new String(client.bytes(), StandardCharsets.US_ASCII));
      assertEquals("test data", new String(serverSide.bytes(), StandardCharsets.US_ASCII));
      assertThrows(IllegalStateException.class, accepted::close, "the transport owns the accepted socket");
      c.close();
      await(loop, serverSide.lost, "the accepted side's connectionLost");
      await(loop, client.lost, "the client's connectionLost");
      assertFalse(accepted.isOpen());
    }
  }

  /**
   * test_base_events (create_connection host/port with sock; ssl without a host): what cannot go
   * with a given socket is refused at once, and the socket stays the caller's, usable.
   */
  @BackendTest
  void dialingOptionsAndTlsWithoutAServerNameAreRefusedWithASocket(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket sock = loop.openTcpSocket(StandardProtocolFamily.INET)) {
      IllegalArgumentException local =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  loop.createConnection(
                      Echo.Plain::new,
                      sock,
                      ConnectOptions.DEFAULT.withLocalAddress(new InetSocketAddress(Net.LOOPBACK4, 0))));
      assertTrue(local.getMessage().contains("cannot be given with a connected socket"), local.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> loop.createConnection(Echo.Plain::new, sock, ConnectOptions.DEFAULT.withInterleave(1)));
      IllegalArgumentException tls =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  loop.createConnection(
                      Echo.Plain::new, sock, ConnectOptions.DEFAULT.withTls(TlsOptions.client())));
      assertTrue(tls.getMessage().contains("serverHostname"), tls.getMessage());
      sock.bind(new InetSocketAddress(Net.LOOPBACK4, 0)); // still the caller's, nothing changed
      assertTrue(sock.isOpen());
    }
  }

  /** The loop takes back only its own sockets, and says which rule a stranger broke. */
  @BackendTest
  void aSocketOfAnotherLoopOrNoZloopSocketIsRefused(String backend) throws IOException {
    try (EventLoop a = Backends.open(backend);
        EventLoop b = Backends.open(backend);
        NetSocket ofB = b.openTcpSocket(StandardProtocolFamily.INET)) {
      List<Runnable> calls = new ArrayList<>();
      calls.add(() -> a.sockRecv(ofB, 10));
      calls.add(() -> a.sockSendAll(ofB, ByteBuffer.wrap(MESSAGE)));
      calls.add(() -> a.sockConnect(ofB, new InetSocketAddress(Net.LOOPBACK4, 1)));
      calls.add(() -> a.sockAccept(ofB));
      calls.add(() -> a.createConnection(Echo.Plain::new, ofB));
      calls.add(() -> a.createServer(Echo.Plain::new, ofB));
      calls.add(() -> a.connectAcceptedSocket(Echo.Plain::new, ofB));
      for (Runnable call : calls) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith("socket belongs to another loop"), e.getMessage());
      }
      assertTrue(ofB.isOpen(), "loop B's socket is untouched");

      NetSocket stranger = new Stranger();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.sockRecv(stranger, 10));
      assertTrue(e.getMessage().startsWith("not a zloop socket"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> a.createConnection(Echo.Plain::new, stranger));
      assertTrue(e.getMessage().startsWith("not a zloop socket"), e.getMessage());
    }
  }

  /** A NetSocket the loop never made. */
  private static final class Stranger implements NetSocket {
    @Override
    public SocketAddress localAddress() {
      return null;
    }

    @Override
    public SocketAddress remoteAddress() {
      return null;
    }

    @Override
    public int fd() {
      return -1;
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) {}

    @Override
    public <T> T getOption(SocketOption<T> option) {
      return null;
    }

    @Override
    public void bind(SocketAddress local) {}

    @Override
    public void listen(int backlog) {}

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "Stranger";
    }
  }
}
