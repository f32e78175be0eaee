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
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.BaseProtocol;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Server;
import zloop.ServerOptions;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.UnixAddress;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** zloop talking TLS to zloop: bulk echo both ways, both TLS versions, both protocol kinds. */
@Timeout(240)
@ExtendWith(FdLeakCheck.class)
class TlsEchoTest {
  private static final int BULK = 64 << 20;

  @TempDir Path dir;

  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  /** A client that pumps {@code data} out and records what comes back. */
  static final class PumpingClient extends Recorder.Plain {
    final TlsPump pump;

    PumpingClient(EventLoop loop, byte[] data) {
      super(loop);
      keepLimit = 0;
      pump = new TlsPump(data, false);
    }

    @Override
    public void connectionMade(Transport t) {
      super.connectionMade(t);
      pump.start(t);
    }

    @Override
    public void pauseWriting() {
      super.pauseWriting();
      pump.pause();
    }

    @Override
    public void resumeWriting() {
      super.resumeWriting();
      pump.resume();
    }
  }

  /** The same through getBuffer/bufferUpdated. */
  static final class PumpingBufferedClient extends Recorder.Buffered {
    final TlsPump pump;

    PumpingBufferedClient(EventLoop loop, byte[] data) {
      super(loop);
      keepLimit = 0;
      pump = new TlsPump(data, false);
    }

    @Override
    public void connectionMade(Transport t) {
      super.connectionMade(t);
      pump.start(t);
    }

    @Override
    public void pauseWriting() {
      super.pauseWriting();
      pump.pause();
    }

    @Override
    public void resumeWriting() {
      super.resumeWriting();
      pump.resume();
    }
  }

  static TlsOptions serverTls(String version) {
    return TlsOptions.of(TlsCerts.get().context("server")).withProtocols(version);
  }

  static TlsOptions clientTls() {
    return TlsOptions.of(TlsCerts.get().clientContext());
  }

  @BackendTest
  void bulkEchoBothWaysBothVersions(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      for (String version : List.of("TLSv1.3", "TLSv1.2")) {
        boolean buffered = version.equals("TLSv1.2");
        Supplier<BaseProtocol> echo =
            buffered ? () -> new Echo.Buffered(64 * 1024, true) : Echo.Plain::new;
        Server server =
            await(
                loop,
                loop.createServer(echo, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(serverTls(version))),
                "TLS server");
        try {
          byte[] data = Net.payload(BULK, 64);
          Recorder client =
              buffered ? new PumpingBufferedClient(loop, data) : new PumpingClient(loop, data);
          client.expect(BULK);
          Connection<BaseProtocol> c =
              await(
                  loop,
                  loop.createConnection(
                      client::protocol, "localhost", port(server), ConnectOptions.DEFAULT.withTls(clientTls())),
                  "TLS connect " + version);
          Transport t = c.transport();
          assertEquals(version, t.getExtraInfo("protocol"), "negotiated version");
          assertNotNull(t.getExtraInfo("cipher"), "cipher");
          assertInstanceOf(SSLSession.class, t.getExtraInfo("sslsession"));
          assertNotNull(t.getExtraInfo("sslcontext"), "sslcontext");
          assertNull(t.getExtraInfo("alpn"), "no ALPN was asked for");
          assertNotNull(t.getExtraInfo("peername"), "raw names pass through");
          assertEquals(loop.backendName(), t.getExtraInfo("backend"));
          @SuppressWarnings("unchecked")
          List<Certificate> chain = (List<Certificate>) t.getExtraInfo("peercert");
          assertNotNull(chain, "the server's certificate chain");
          assertTrue(
              ((X509Certificate) chain.get(0)).getSubjectX500Principal().getName().contains("CN=localhost"),
              "leaf: " + chain.get(0));
          assertFalse(t.canWriteEof(), "TLS does not half-close");
          assertThrows(UnsupportedOperationException.class, t::writeEof);
          await(loop, client.gotAll, "64 MiB echoed over " + version, java.time.Duration.ofMinutes(2));
          assertEquals(BULK, client.received, "bytes echoed");
          assertEquals(crc(data), client.crcValue(), "CRC32 of the echo (" + version + ")");
          t.close();
          assertNull(await(loop, client.lost, "connectionLost after close_notify both ways"));
        } finally {
          shutdown(loop, server);
        }
      }
    }
  }

  @BackendTest
  void tlsOverAUnixSocket(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      UnixAddress address = UnixAddress.of(dir.resolve("tls.sock"));
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createUnixServer(
                  () -> {
                    Recorder.Plain p =
                        new Recorder.Plain(loop) {
                          @Override
                          public void dataReceived(ByteBuffer data) {
                            super.dataReceived(data.duplicate());
                            transport.write(data);
                          }
                        };
                    accepted.add(p);
                    return p;
                  },
                  address,
                  ServerOptions.DEFAULT.withTls(serverTls("TLSv1.3"))),
              "TLS Unix server");
      try {
        byte[] data = Net.payload(1 << 20, 5);
        PumpingClient client = new PumpingClient(loop, data);
        client.expect(data.length);
        Connection<PumpingClient> c =
            await(
                loop,
                loop.createUnixConnection(
                    () -> client,
                    address,
                    ConnectOptions.DEFAULT.withTls(clientTls().withServerHostName("localhost"))),
                "TLS connect over a Unix socket");
        await(loop, client.gotAll, "echo over TLS over a Unix socket");
        assertEquals(crc(data), client.crcValue());
        assertEquals("TLSv1.3", c.transport().getExtraInfo("protocol"));
        assertEquals(address, c.transport().getExtraInfo("peername"));
        c.transport().close();
        assertNull(await(loop, client.lost, "client connectionLost"));
        assertNull(await(loop, accepted.get(0).lost, "server connectionLost"));
        assertEquals(1, accepted.get(0).eofCalls, "the server heard close_notify as EOF");
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
