package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.ConnectOptions;
import zloop.EventLoop;
import zloop.ExtraInfo;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.ServerOptions;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.StreamWriter;
import zloop.Streams;
import zloop.Task;
import zloop.TlsOptions;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Streams take the whole of the server's and the connection's options (StreamOptions composes
 * ServerOptions and ConnectOptions), and transports answer typed extra-info keys.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class StreamsOptionsTest {
  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A line echo that records each connection's writer-side view of its peer. */
  private static Future<Server> lineEcho(
      EventLoop loop, StreamOptions options, List<SocketAddress> peers) {
    return Streams.startServer(
        loop,
        (r, w) -> {
          peers.add(w.getExtraInfo(ExtraInfo.PEERNAME));
          w.write(r.readLine().join());
          w.drain().join();
          w.close();
        },
        "127.0.0.1",
        0,
        options);
  }

  private static String roundTrip(StreamPair p, String line) {
    p.writer().write(ascii(line + "\n"));
    String answer = new String(p.reader().readLine().join(), StandardCharsets.US_ASCII);
    p.writer().close();
    p.writer().waitClosed().join();
    return answer;
  }

  @BackendTest
  void aStreamServerTakesServerOptions(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      StreamOptions notYet =
          StreamOptions.DEFAULT.withServer(
              ServerOptions.DEFAULT.withStartServing(false).withBacklog(10).withReusePort(true));
      Server first = Net.await(loop, lineEcho(loop, notYet, new java.util.ArrayList<>()), "startServer");
      assertFalse(first.isServing(), "start_serving=False reaches a stream server");
      int port = Net.port(first);
      // SO_REUSEPORT reaches it too: a second stream server may listen on the same port.
      Server second =
          Net.await(
              loop,
              Streams.startServer(loop, (r, w) -> w.close(), "127.0.0.1", port, notYet),
              "a second server on the same port");
      Net.await(loop, first.startServing(), "startServing");
      assertTrue(first.isServing());
      second.close();
      Net.await(loop, second.waitClosed(), "second closed");
      Task<String> client =
          loop.createTask(() -> roundTrip(loop.openConnection("127.0.0.1", port).join(), "hello"));
      assertEquals("hello\n", Net.await(loop, client, "a round trip once serving"));
      Net.shutdown(loop, first);
    }
  }

  @BackendTest
  void aStreamClientTakesConnectOptions(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<SocketAddress> peers = new java.util.ArrayList<>();
      Server server = Net.await(loop, lineEcho(loop, StreamOptions.DEFAULT, peers), "startServer");
      int port = Net.port(server);
      // 127.0.0.2 is loopback on Linux: the server sees the local address the client chose.
      StreamOptions fromTwo =
          StreamOptions.DEFAULT.withConnect(
              ConnectOptions.DEFAULT.withLocalAddress(new InetSocketAddress("127.0.0.2", 0)));
      Task<String> client =
          loop.createTask(
              () -> {
                StreamPair p = loop.openConnection("127.0.0.1", port, fromTwo).join();
                InetSocketAddress local =
                    assertInstanceOf(InetSocketAddress.class, p.writer().getExtraInfo(ExtraInfo.SOCKNAME));
                assertEquals("127.0.0.2", local.getAddress().getHostAddress());
                return roundTrip(p, "from two");
              });
      assertEquals("from two\n", Net.await(loop, client, "round trip"));
      InetSocketAddress peer = assertInstanceOf(InetSocketAddress.class, peers.get(0));
      assertEquals("127.0.0.2", peer.getAddress().getHostAddress(), "local_addr reached the socket");
      Net.shutdown(loop, server);
    }
  }

  @BackendTest
  void typedExtraInfoKeysAnswerAsTheirStringNames(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server =
          Net.await(loop, lineEcho(loop, StreamOptions.DEFAULT, new java.util.ArrayList<>()), "startServer");
      int port = Net.port(server);
      Task<String> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port).join();
                StreamWriter w = p.writer();
                assertEquals(w.getExtraInfo("peername"), w.getExtraInfo(ExtraInfo.PEERNAME));
                assertEquals(new InetSocketAddress("127.0.0.1", port), w.getExtraInfo(ExtraInfo.PEERNAME));
                assertEquals(w.getExtraInfo("sockname"), w.getExtraInfo(ExtraInfo.SOCKNAME));
                NetSocket socket = w.getExtraInfo(ExtraInfo.SOCKET);
                assertSame(w.getExtraInfo("socket"), socket, "the same object as by name");
                assertSame(socket, w.transport().getExtraInfo(ExtraInfo.SOCKET));
                assertEquals(loop.backendName(), w.getExtraInfo(ExtraInfo.BACKEND));
                assertNull(w.getExtraInfo(ExtraInfo.CIPHER), "no TLS, no cipher");
                ClassCastException wrongType =
                    assertThrows(
                        ClassCastException.class,
                        () -> w.getExtraInfo(ExtraInfo.of("peername", String.class)));
                assertTrue(wrongType.getMessage().contains("peername"), wrongType.getMessage());
                return roundTrip(p, "typed");
              });
      assertEquals("typed\n", Net.await(loop, client, "round trip"));
      Net.shutdown(loop, server);
    }
  }

  @BackendTest
  void withTlsMakesBothSidesSpeakTlsAndTheTlsKeysAnswer(String backend) {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      StreamOptions serverSide = StreamOptions.DEFAULT.withTls(TlsOptions.of(certs.context("server")));
      assertNotNull(serverSide.server().tls());
      assertSame(serverSide.server().tls(), serverSide.connect().tls(), "withTls sets both");
      Server server = Net.await(loop, lineEcho(loop, serverSide, new java.util.ArrayList<>()), "startServer");
      int port = Net.port(server);
      StreamOptions clientSide =
          StreamOptions.DEFAULT.withTls(
              TlsOptions.of(certs.clientContext()).withServerHostname("localhost"));
      Task<String> client =
          loop.createTask(
              () -> {
                StreamPair p = loop.openConnection("127.0.0.1", port, clientSide).join();
                StreamWriter w = p.writer();
                assertEquals(w.getExtraInfo("cipher"), w.getExtraInfo(ExtraInfo.CIPHER));
                assertNotNull(w.getExtraInfo(ExtraInfo.CIPHER));
                assertTrue(w.getExtraInfo(ExtraInfo.PROTOCOL).startsWith("TLS"));
                SSLEngine engine = w.getExtraInfo(ExtraInfo.SSL_OBJECT);
                assertTrue(engine.getUseClientMode(), "ssl_object is this end's engine");
                assertSame(engine.getSession(), w.getExtraInfo(ExtraInfo.SSL_SESSION));
                assertFalse(w.getExtraInfo(ExtraInfo.PEERCERT).isEmpty(), "the server's chain");
                assertNotNull(w.getExtraInfo(ExtraInfo.SSL_CONTEXT));
                assertInstanceOf(
                    InetSocketAddress.class,
                    w.getExtraInfo(ExtraInfo.PEERNAME),
                    "names the TLS layer does not know go to the transport underneath");
                return roundTrip(p, "secret");
              });
      assertEquals("secret\n", Net.await(loop, client, "round trip over TLS"));
      Net.shutdown(loop, server);
    }
  }
}
