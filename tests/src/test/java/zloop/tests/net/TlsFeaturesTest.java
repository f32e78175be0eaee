package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.crc;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Protocol;
import zloop.Server;
import zloop.ServerOptions;
import zloop.Side;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** ALPN, SNI, client certificates, streams, startTls and flow control over TLS, zloop to zloop. */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class TlsFeaturesTest {
  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  /** An echo server protocol that records what it is told. */
  static class EchoRecorder extends Recorder.Plain {
    EchoRecorder(EventLoop loop) {
      super(loop);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      super.dataReceived(data.duplicate());
      transport.write(data);
    }
  }

  private static Server echoServer(EventLoop loop, TlsOptions tls, List<EchoRecorder> accepted) {
    return await(
        loop,
        loop.createServer(
            () -> {
              EchoRecorder r = new EchoRecorder(loop);
              accepted.add(r);
              return r;
            },
            "127.0.0.1",
            0,
            ServerOptions.DEFAULT.withTls(tls)),
        "TLS echo server");
  }

  private static Future<Connection<Recorder.Plain>> connect(
      EventLoop loop, Server server, Recorder.Plain client, TlsOptions tls) {
    return loop.createConnection(() -> client, "127.0.0.1", port(server), ConnectOptions.DEFAULT.withTls(tls));
  }

  /** One round trip and a clean close, from the client. */
  private static void roundTrip(EventLoop loop, Connection<Recorder.Plain> c, String what) {
    byte[] hello = ("hello " + what).getBytes(StandardCharsets.UTF_8);
    c.protocol().expect(hello.length);
    c.transport().write(hello);
    await(loop, c.protocol().gotAll, "echo of " + what);
    c.transport().close();
    assertNull(await(loop, c.protocol().lost, "close of " + what));
  }

  private static String subjectOf(Object peercert) {
    assertNotNull(peercert, "peercert");
    @SuppressWarnings("unchecked")
    List<Certificate> chain = (List<Certificate>) peercert;
    return ((X509Certificate) chain.get(0)).getSubjectX500Principal().getName();
  }

  @BackendTest
  void alpnIsNegotiatedOnBothSides(String backend) {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      List<EchoRecorder> accepted = new ArrayList<>();
      Server server =
          echoServer(loop, TlsOptions.of(certs.context("server")).withAlpnProtocols("h2", "http/1.1"), accepted);
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(
                loop,
                connect(
                    loop,
                    server,
                    client,
                    TlsOptions.of(certs.clientContext())
                        .withServerHostname("localhost")
                        .withAlpnProtocols("http/1.1", "spdy/1")),
                "connect with ALPN");
        assertEquals("http/1.1", c.transport().getExtraInfo("alpn"), "the client's view");
        EchoRecorder srv = Net.serverSide(loop, accepted, c.transport());
        assertEquals("http/1.1", srv.transport.getExtraInfo("alpn"), "the server's view");
        assertNull(srv.transport.getExtraInfo("peercert"), "the client sent no certificate");
        roundTrip(loop, c, "alpn");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void anIpLiteralHostIsCheckedAgainstTheCertificatesAddresses(String backend) {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      List<EchoRecorder> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(certs.context("server")), accepted);
      try {
        // serverHostname defaults to the host: 127.0.0.1, in the certificate's IP names (no SNI).
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, connect(loop, server, client, TlsOptions.of(certs.clientContext())), "connect by IP");
        roundTrip(loop, c, "by IP");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void optionsThatCannotWorkAreRefusedUpFront(String backend) {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      TlsOptions noName = TlsOptions.of(certs.clientContext());
      assertThrows(
          IllegalArgumentException.class,
          () -> loop.createUnixConnection(
              () -> new Recorder.Plain(loop), zloop.UnixAddress.of("/nonexistent"), ConnectOptions.DEFAULT.withTls(noName)),
          "TLS over a Unix socket needs a server name");
      assertThrows(IllegalArgumentException.class, () -> noName.withHandshakeTimeout(java.time.Duration.ZERO));
      assertThrows(NullPointerException.class, () -> TlsOptions.of(null));
    }
  }

  @BackendTest
  void theServerPicksItsContextByTheNameTheClientAsksFor(String backend) {
    TlsCerts certs = TlsCerts.get();
    SSLContext other = certs.context("other");
    List<String> asked = new ArrayList<>();
    TlsOptions serverTls =
        TlsOptions.of(certs.context("server"))
            .withContextForName(
                name -> {
                  asked.add(String.valueOf(name));
                  return "other.test".equals(name) ? other : null;
                });
    try (EventLoop loop = Backends.open(backend)) {
      List<EchoRecorder> accepted = new ArrayList<>();
      Server server = echoServer(loop, serverTls, accepted);
      try {
        for (String name : List.of("other.test", "localhost")) {
          Recorder.Plain client = new Recorder.Plain(loop);
          Connection<Recorder.Plain> c =
              await(
                  loop,
                  connect(loop, server, client, TlsOptions.of(certs.clientContext()).withServerHostname(name)),
                  "connect asking for " + name);
          assertTrue(
              subjectOf(c.transport().getExtraInfo("peercert")).contains("CN=" + name),
              "the certificate for " + name + ": " + subjectOf(c.transport().getExtraInfo("peercert")));
          EchoRecorder srv = Net.serverSide(loop, accepted, c.transport());
          assertEquals(
              name.equals("other.test"),
              srv.transport.getExtraInfo("sslcontext") == other,
              "the server's sslcontext is the one chosen for " + name);
          roundTrip(loop, c, name);
        }
        assertEquals(List.of("other.test", "localhost"), asked, "the names the selector saw (SNI)");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void clientCertificatesNeedAndWant(String backend) {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      for (String version : List.of("TLSv1.3", "TLSv1.2")) {
        List<EchoRecorder> accepted = new ArrayList<>();
        Server need =
            echoServer(
                loop,
                TlsOptions.of(certs.context("server"))
                    .withClientAuth(TlsOptions.ClientAuth.NEED)
                    .withProtocols(version),
                accepted);
        try {
          // With a certificate: the server sees it.
          Recorder.Plain client = new Recorder.Plain(loop);
          Connection<Recorder.Plain> c =
              await(
                  loop,
                  connect(loop, need, client, TlsOptions.of(certs.context("client")).withServerHostname("localhost")),
                  "connect with a client certificate");
          EchoRecorder srv = Net.serverSide(loop, accepted, c.transport());
          assertTrue(subjectOf(srv.transport.getExtraInfo("peercert")).contains("CN=zloop test client"));
          roundTrip(loop, c, "client cert " + version);

          // Without one: refused. In TLS 1.3 the client finishes first and hears the alert after.
          Recorder.Plain anonymous = new Recorder.Plain(loop);
          Future<Connection<Recorder.Plain>> f =
              connect(loop, need, anonymous, TlsOptions.of(certs.clientContext()).withServerHostname("localhost"));
          Throwable failure;
          Object outcome = TlsSupport.outcome(loop, f, "connect without a needed certificate");
          if (outcome instanceof Throwable t) {
            failure = t;
          } else {
            anonymous.transport.write(new byte[] {1});
            failure = await(loop, anonymous.lost, "connectionLost after the server refused");
          }
          assertInstanceOf(SSLException.class, failure, "refused: " + failure);
        } finally {
          shutdown(loop, need);
        }

        accepted.clear();
        Server want =
            echoServer(
                loop,
                TlsOptions.of(certs.context("server"))
                    .withClientAuth(TlsOptions.ClientAuth.WANT)
                    .withProtocols(version),
                accepted);
        try {
          Recorder.Plain anonymous = new Recorder.Plain(loop);
          Connection<Recorder.Plain> c =
              await(
                  loop,
                  connect(loop, want, anonymous, TlsOptions.of(certs.clientContext()).withServerHostname("localhost")),
                  "connect without a wanted certificate");
          EchoRecorder srv = Net.serverSide(loop, accepted, c.transport());
          assertNull(srv.transport.getExtraInfo("peercert"), "no client certificate");
          roundTrip(loop, c, "want " + version);
        } finally {
          shutdown(loop, want);
        }
      }
    }
  }

  @BackendTest
  void streamsOverTls(String backend) throws Exception {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      Server server =
          await(
              loop,
              loop.startServer(
                  (reader, writer) -> {
                    while (true) {
                      byte[] line = reader.readLine().join();
                      if (line.length == 0) {
                        break;
                      }
                      writer.write(line);
                      writer.drain().join();
                    }
                    writer.close();
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT.withTls(TlsOptions.of(certs.context("server")))),
              "TLS stream server");
      try {
        String got =
            loop.runUntilComplete(
                () -> {
                  StreamPair p =
                      loop.openConnection(
                              "127.0.0.1",
                              port(server),
                              StreamOptions.DEFAULT.withTls(
                                  TlsOptions.of(certs.clientContext()).withServerHostname("localhost")))
                          .join();
                  StringBuilder sb = new StringBuilder();
                  for (int i = 0; i < 100; i++) {
                    p.writer().write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    p.writer().drain().join();
                    sb.append(new String(p.reader().readLine().join(), StandardCharsets.UTF_8));
                  }
                  assertEquals("TLSv1.3", p.writer().getExtraInfo("protocol"));
                  p.writer().close();
                  p.writer().waitClosed().join();
                  return sb.toString();
                });
        StringBuilder want = new StringBuilder();
        for (int i = 0; i < 100; i++) {
          want.append("line ").append(i).append('\n');
        }
        assertEquals(want.toString(), got, "lines echoed over TLS streams");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** A plain protocol that upgrades to TLS when told: the STARTTLS dance. */
  static final class StartTlsServer extends Recorder.Plain {
    private final TlsOptions tls;
    Transport secure;

    StartTlsServer(EventLoop loop, TlsOptions tls) {
      super(loop);
      this.tls = tls;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      if (secure == null) {
        String s = StandardCharsets.US_ASCII.decode(data).toString();
        assertEquals("STARTTLS\n", s);
        transport.write("GO\n".getBytes(StandardCharsets.US_ASCII));
        loop.startTls(transport, this, tls, Side.SERVER).addDoneCallback(f -> secure = f.exception() == null ? f.result() : null);
        return;
      }
      super.dataReceived(data.duplicate());
      secure.write(data);
    }
  }

  @BackendTest
  void startTlsUpgradesAPlainConnection(String backend) {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      List<StartTlsServer> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    StartTlsServer s = new StartTlsServer(loop, TlsOptions.of(certs.context("server")));
                    accepted.add(s);
                    return s;
                  },
                  "127.0.0.1",
                  0),
              "plain server");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        client.keepLimit = 2 << 20;
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "plain connect");
        client.expect(3);
        c.transport().write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
        await(loop, client.gotAll, "GO");
        assertEquals("GO\n", new String(client.bytes(), StandardCharsets.US_ASCII));
        assertThrows(
            IllegalArgumentException.class,
            () -> loop.startTls(c.transport(), client, TlsOptions.of(certs.clientContext()), Side.CLIENT),
            "a client's startTls needs serverHostname");
        Transport secure =
            await(
                loop,
                loop.startTls(
                    c.transport(),
                    client,
                    TlsOptions.of(certs.clientContext()).withServerHostname("localhost"), Side.CLIENT),
                "startTls (client)");
        assertEquals("TLSv1.3", secure.getExtraInfo("protocol"));
        assertEquals(1, client.madeCalls, "the protocol does not hear connectionMade again");
        byte[] data = Net.payload(1 << 20, 11);
        Future<Long> echoed = client.receivedAtLeast(3 + data.length);
        secure.write(data);
        await(loop, echoed, "echo after STARTTLS");
        byte[] all = client.bytes();
        assertEquals(crc(data), crc(ByteBuffer.wrap(all, 3, data.length)), "CRC32 of the echo after STARTTLS");
        secure.close();
        assertNull(await(loop, client.lost, "connectionLost after closing the TLS transport"));
        StartTlsServer srv = accepted.get(0);
        assertNull(await(loop, srv.lost, "server connectionLost"));
        assertEquals(data.length, srv.received, "bytes the server decrypted");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** Reads only when told to: tests pausing a TLS transport's reading. */
  static final class SlowReader extends Recorder.Plain {
    SlowReader(EventLoop loop) {
      super(loop);
      keepLimit = 0;
    }

    @Override
    public void connectionMade(Transport t) {
      super.connectionMade(t);
      t.pauseReading();
    }
  }

  @BackendTest
  void flowControlPassesThroughBothWays(String backend) {
    TlsCerts certs = TlsCerts.get();
    int size = 16 << 20;
    try (EventLoop loop = Backends.open(backend)) {
      List<SlowReader> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    SlowReader r = new SlowReader(loop);
                    accepted.add(r);
                    return r;
                  },
                  "127.0.0.1",
                  0,
                  ServerOptions.DEFAULT.withTls(TlsOptions.of(certs.context("server")))),
              "paused TLS server");
      try {
        byte[] data = Net.payload(size, 12);
        TlsEchoTest.PumpingClient client = new TlsEchoTest.PumpingClient(loop, data);
        Connection<TlsEchoTest.PumpingClient> c =
            await(
                loop,
                loop.createConnection(
                    () -> client,
                    "127.0.0.1",
                    port(server),
                    ConnectOptions.DEFAULT.withTls(
                        TlsOptions.of(certs.clientContext()).withServerHostname("localhost"))),
                "connect");
        SlowReader srv = Net.serverSide(loop, accepted, c.transport());
        // The server reads nothing: the client's buffers fill and it is told to pause.
        long deadline = System.nanoTime() + Net.DEADLINE.toNanos();
        while (client.pauseWritingCalls == 0 && System.nanoTime() < deadline) {
          loop.runUntilComplete(loop.sleep(java.time.Duration.ofMillis(5)));
        }
        assertTrue(client.pauseWritingCalls > 0, "the client was paused while the server did not read");
        assertFalse(srv.transport.isReading(), "the server's TLS transport is paused");
        assertTrue(srv.received < size, "the server received nothing while paused: " + srv.received);
        assertTrue(c.transport().getWriteBufferSize() > 0, "the client holds what the server did not take");
        srv.expect(size);
        srv.transport.resumeReading();
        assertTrue(srv.transport.isReading());
        await(loop, srv.gotAll, "everything after resuming");
        assertEquals(crc(data), srv.crcValue());
        assertTrue(client.resumeWritingCalls > 0, "the client was resumed");
        assertTrue(client.pump.done());
        c.transport().close();
        assertNull(await(loop, client.lost, "close"));
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void manyConnectionsAtOnce(String backend) {
    TlsCerts certs = TlsCerts.get();
    int n = 40;
    try (EventLoop loop = Backends.open(backend)) {
      List<EchoRecorder> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(certs.context("server")), accepted);
      try {
        List<Future<Connection<Recorder.Plain>>> connecting = new ArrayList<>();
        List<Recorder.Plain> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Recorder.Plain r = new Recorder.Plain(loop);
          clients.add(r);
          connecting.add(
              connect(loop, server, r, TlsOptions.of(certs.clientContext()).withServerHostname("localhost")));
        }
        List<Connection<Recorder.Plain>> conns = await(loop, loop.gather(connecting), n + " handshakes");
        byte[] data = Net.payload(100_000, 13);
        for (Connection<Recorder.Plain> c : conns) {
          c.protocol().expect(data.length);
          c.transport().write(data);
        }
        for (Connection<Recorder.Plain> c : conns) {
          await(loop, c.protocol().gotAll, "echo");
          assertEquals(crc(data), c.protocol().crcValue());
          c.transport().close();
        }
        for (Recorder.Plain r : clients) {
          assertNull(await(loop, r.lost, "close"));
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
