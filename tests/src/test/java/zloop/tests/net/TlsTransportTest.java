package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.crc;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.BufferedProtocol;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Server;
import zloop.ServerOptions;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * The TLS transport's semantics: read pausing (plain and buffered protocols, small buffers),
 * graceful close and abort, the shutdown timeout, callback failures, protocol switching, and
 * delegated tasks off the loop thread.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class TlsTransportTest {
  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  private static Server server(EventLoop loop, java.util.function.Supplier<? extends zloop.BaseProtocol> f, TlsOptions tls) {
    return await(loop, loop.createServer(f, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(tls)), "TLS server");
  }

  private static TlsOptions serverTls() {
    return TlsOptions.of(TlsCerts.get().context("server"));
  }

  private static ConnectOptions clientTls() {
    return ConnectOptions.DEFAULT.withTls(TlsOptions.of(TlsCerts.get().clientContext()).withServerHostname("localhost"));
  }

  /** A buffered protocol with a buffer far smaller than a TLS record; pauses now and then. */
  static final class SmallBuffered extends Recorder implements BufferedProtocol {
    private final ByteBuffer buffer = ByteBuffer.allocate(1000);
    boolean paused;
    int deliveriesWhilePaused;
    int pauses;

    SmallBuffered(EventLoop loop) {
      super(loop);
      keepLimit = 0;
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
      return buffer.clear();
    }

    @Override
    public void bufferUpdated(int nbytes) {
      if (paused) {
        deliveriesWhilePaused++;
      }
      record(buffer.slice(0, nbytes));
      if (dataCalls % 37 == 0) {
        paused = true;
        pauses++;
        transport.pauseReading();
        loop.callLater(
            Duration.ofMillis(1),
            () -> {
              paused = false;
              transport.resumeReading();
            });
      }
    }
  }

  /** A plain protocol that pauses inside dataReceived and resumes a little later. */
  static final class Pausing extends Recorder.Plain {
    boolean paused;
    int deliveriesWhilePaused;
    int pauses;

    Pausing(EventLoop loop) {
      super(loop);
      keepLimit = 0;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      if (paused) {
        deliveriesWhilePaused++;
      }
      super.dataReceived(data);
      if (dataCalls % 5 == 0) {
        paused = true;
        pauses++;
        transport.pauseReading();
        loop.callLater(
            Duration.ofMillis(1),
            () -> {
              paused = false;
              transport.resumeReading();
            });
      }
    }
  }

  @BackendTest
  void pausedReadingDeliversNothingUntilResumed(String backend) {
    int size = 4 << 20;
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, Echo.Plain::new, serverTls());
      try {
        byte[] data = Net.payload(size, 31);
        for (boolean buffered : new boolean[] {false, true}) {
          Recorder r = buffered ? new SmallBuffered(loop) : new Pausing(loop);
          r.expect(size);
          Connection<zloop.BaseProtocol> c =
              await(loop, loop.createConnection(r::protocol, "127.0.0.1", port(server), clientTls()), "connect");
          TlsPump pump = new TlsPump(data, false);
          pump.start(c.transport());
          while (!pump.done()) {
            loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
            pump.resume();
          }
          await(loop, r.gotAll, "the echo through a pausing " + (buffered ? "buffered" : "plain") + " protocol");
          assertEquals(crc(data), r.crcValue(), "CRC32");
          if (r instanceof SmallBuffered s) {
            assertEquals(0, s.deliveriesWhilePaused, "nothing delivered while paused");
            assertTrue(s.pauses > 10, "it paused: " + s.pauses);
          } else if (r instanceof Pausing p) {
            assertEquals(0, p.deliveriesWhilePaused, "nothing delivered while paused");
            assertTrue(p.pauses > 2, "it paused: " + p.pauses);
          }
          c.transport().close();
          assertNull(await(loop, r.lost, "close"));
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void closeSendsEverythingWrittenBeforeCloseNotify(String backend) {
    int size = 8 << 20;
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          server(
              loop,
              () -> {
                Recorder.Plain r = new Recorder.Plain(loop);
                r.keepLimit = 0;
                accepted.add(r);
                return r;
              },
              serverTls());
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server), clientTls()), "connect");
        byte[] data = Net.payload(size, 32);
        c.transport().writeLines(
            List.of(ByteBuffer.wrap(data, 0, 1000), ByteBuffer.wrap(data, 1000, 5000), ByteBuffer.wrap(data, 6000, size - 6000)));
        c.transport().close();
        assertTrue(c.transport().isClosing());
        c.transport().write(new byte[] {1, 2, 3}); // after close: dropped, as in asyncio
        assertNull(await(loop, client.lost, "the client's close"));
        Recorder.Plain srv = accepted.get(0);
        assertNull(await(loop, srv.lost, "the server's connectionLost"));
        assertEquals(size, srv.received, "everything written before close() arrived");
        assertEquals(crc(data), srv.crcValue());
        assertEquals(List.of("made", "data", "eof", "lost"), srv.events, "close_notify arrives as EOF");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void abortEndsAtOnce(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          server(
              loop,
              () -> {
                Recorder.Plain r = new Recorder.Plain(loop);
                accepted.add(r);
                return r;
              },
              serverTls());
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server), clientTls()), "connect");
        Recorder.Plain srv = Net.serverSide(loop, accepted, c.transport());
        c.transport().abort();
        assertTrue(c.transport().isClosing());
        assertEquals(0, client.lostCalls, "connectionLost comes on a later turn");
        assertNull(await(loop, client.lost, "connectionLost after abort"));
        Throwable serverSaw = await(loop, srv.lost, "the server sees the end");
        assertTrue(serverSaw == null || serverSaw instanceof IOException, "a clean end or a reset: " + serverSaw);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aPeerThatNeverAnswersCloseNotifyHitsTheShutdownTimeout(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          server(
              loop,
              () -> {
                Recorder.Plain r =
                    new Recorder.Plain(loop) {
                      @Override
                      public void connectionMade(Transport t) {
                        super.connectionMade(t);
                        t.close(); // close_notify at once; the peer never answers
                      }
                    };
                accepted.add(r);
                return r;
              },
              serverTls().withShutdownTimeout(Duration.ofSeconds(1)));
      CountDownLatch done = new CountDownLatch(1);
      CompletableFuture<Void> peer = new CompletableFuture<>();
      int port = port(server);
      Thread t =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
                      SSLSocket tls =
                          (SSLSocket) TlsCerts.get().clientContext().getSocketFactory().createSocket(plain, "localhost", port, false);
                      tls.startHandshake();
                      done.await(60, TimeUnit.SECONDS); // and never read again
                      peer.complete(null);
                    } catch (IOException | InterruptedException e) {
                      peer.completeExceptionally(e);
                    }
                  });
      try {
        while (accepted.isEmpty()) {
          loop.runUntilComplete(loop.sleep(Duration.ofMillis(5)));
        }
        Throwable lost = await(loop, accepted.get(0).lost, "the shutdown timeout");
        assertInstanceOf(SSLException.class, lost, String.valueOf(lost));
        assertTrue(lost.getMessage().contains("shutdown timed out"), lost.getMessage());
        assertInstanceOf(SocketTimeoutException.class, lost.getCause());
      } finally {
        done.countDown();
        t.join(10_000);
        shutdown(loop, server);
      }
      assertNull(peer.getNow(null));
    }
  }

  @BackendTest
  void aFailingCallbackIsReportedAndEndsTheConnection(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, context) -> reported.add(context));
      List<Recorder.Plain> accepted = new ArrayList<>();
      RuntimeException boom = new IllegalStateException("boom in dataReceived");
      Server server =
          server(
              loop,
              () -> {
                Recorder.Plain r =
                    new Recorder.Plain(loop) {
                      @Override
                      public void dataReceived(ByteBuffer data) {
                        super.dataReceived(data);
                        throw boom;
                      }
                    };
                accepted.add(r);
                return r;
              },
              serverTls());
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server), clientTls()), "connect");
        c.transport().write(new byte[] {42});
        Recorder.Plain srv = Net.serverSide(loop, accepted, c.transport());
        assertSame(boom, await(loop, srv.lost, "the server's connectionLost"), "with the callback's exception");
        await(loop, client.lost, "the client sees the end");
        assertEquals(1, reported.size(), "reported once: " + reported);
        assertSame(boom, reported.get(0).exception());
        assertSame(srv.transport, reported.get(0).transport(), "with the TLS transport in the context");
        assertTrue(reported.get(0).message().contains("dataReceived"), reported.get(0).message());
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void setProtocolSwitchesTheReceiver(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, Echo.Plain::new, serverTls());
      try {
        Recorder.Plain first = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> first, "127.0.0.1", port(server), clientTls()), "connect");
        first.expect(3);
        c.transport().write(new byte[] {1, 2, 3});
        await(loop, first.gotAll, "echo to the first protocol");
        Recorder.Buffered second = new Recorder.Buffered(loop);
        second.connectionMade(c.transport());
        c.transport().setProtocol(second);
        assertSame(second, c.transport().getProtocol());
        second.expect(4);
        c.transport().write(new byte[] {4, 5, 6, 7});
        await(loop, second.gotAll, "echo to the second (buffered) protocol");
        assertEquals(3, first.received, "the first protocol got nothing more");
        c.transport().close();
        assertNull(await(loop, second.lost, "the second protocol hears the end"));
        assertEquals(0, first.lostCalls);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** Trusts what the test CA signed, after waiting for the loop to release it. */
  static final class GatedTrust extends X509ExtendedTrustManager {
    final X509ExtendedTrustManager real;
    final CountDownLatch gate = new CountDownLatch(1);
    volatile Thread ranOn;
    volatile boolean released;

    GatedTrust(X509ExtendedTrustManager real) {
      this.real = real;
    }

    private void pass() {
      ranOn = Thread.currentThread();
      try {
        released = gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      pass();
      real.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      pass();
      real.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      pass();
      real.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      real.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      real.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      real.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return real.getAcceptedIssuers();
    }
  }

  /** A timer on the loop opens the gate once the check waits at it; a blocked loop never does. */
  private static void openWhenWaiting(EventLoop loop, GatedTrust gated) {
    loop.callLater(
        Duration.ofMillis(5),
        () -> {
          if (gated.ranOn != null) {
            gated.gate.countDown();
          } else {
            openWhenWaiting(loop, gated);
          }
        });
  }

  @BackendTest
  void delegatedTasksRunOffTheLoop(String backend) throws Exception {
    TlsCerts certs = TlsCerts.get();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", certs.cert(certs.ca()));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    GatedTrust gated = new GatedTrust((X509ExtendedTrustManager) tmf.getTrustManagers()[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {gated}, null);
    try (EventLoop loop = Backends.open(backend)) {
      Server server = server(loop, Echo.Plain::new, serverTls());
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        zloop.Future<Connection<Recorder.Plain>> f =
            loop.createConnection(
                () -> client,
                "127.0.0.1",
                port(server),
                ConnectOptions.DEFAULT.withTls(TlsOptions.of(ctx).withServerHostname("localhost")));
        Thread loopThread = Thread.currentThread();
        // Only a loop that is free while the certificate check runs can open the gate.
        openWhenWaiting(loop, gated);
        Connection<Recorder.Plain> c = await(loop, f, "the handshake with a slow trust manager");
        assertTrue(gated.released, "the loop opened the gate while the check waited: it was not blocked");
        assertNotSame(loopThread, gated.ranOn, "the certificate check ran off the loop thread");
        c.transport().close();
        assertNull(await(loop, client.lost, "close"));
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
