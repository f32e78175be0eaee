package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.awaitFailure;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Server;
import zloop.ServerOptions;
import zloop.TlsOptions;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Bad input on TLS connections: each case ends with a clear {@link SSLException} (through the
 * connection's future or {@code connectionLost}), never a hang, and the loop keeps serving a good
 * connection meanwhile. Peers here are blocking JDK sockets on their own threads.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class TlsBadInputTest {
  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  /** Echo servers' protocols, kept so a test can look at each connection. */
  private static Server echoServer(EventLoop loop, TlsOptions tls, List<TlsFeaturesTest.EchoRecorder> accepted) {
    return await(
        loop,
        loop.createServer(
            () -> {
              TlsFeaturesTest.EchoRecorder r = new TlsFeaturesTest.EchoRecorder(loop);
              accepted.add(r);
              return r;
            },
            "127.0.0.1",
            0,
            ServerOptions.DEFAULT.withTls(tls)),
        "TLS echo server");
  }

  private static TlsOptions client() {
    return TlsOptions.of(TlsCerts.get().clientContext());
  }

  /** A good TLS round trip on the loop, to show the loop serves others meanwhile. */
  private static void goodRoundTrip(EventLoop loop, Server server) {
    Recorder.Plain r = new Recorder.Plain(loop);
    Connection<Recorder.Plain> c =
        await(
            loop,
            loop.createConnection(
                () -> r, "127.0.0.1", port(server), ConnectOptions.DEFAULT.withTls(client().withServerHostName("localhost"))),
            "a good TLS connection meanwhile");
    r.expect(5);
    c.transport().write("hello".getBytes(StandardCharsets.US_ASCII));
    await(loop, r.gotAll, "a good echo meanwhile");
    c.transport().close();
    assertNull(await(loop, r.lost, "the good connection's close"));
  }

  /** Whether any cause in the chain is of the type or has the text in its message. */
  private static boolean chainHas(Throwable t, Class<?> type, String text) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if ((type != null && type.isInstance(c)) || (text != null && String.valueOf(c.getMessage()).contains(text))) {
        return true;
      }
    }
    return false;
  }

  /** A blocking peer on its own thread; closing it closes its sockets and joins the thread. */
  private static final class RawPeer implements AutoCloseable {
    final ServerSocket listener;
    final List<Socket> sockets = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    RawPeer() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    int port() {
      return listener.getLocalPort();
    }

    Socket track(Socket s) {
      synchronized (sockets) {
        sockets.add(s);
      }
      return s;
    }

    <T> CompletableFuture<T> run(String name, IoBody<T> body) {
      CompletableFuture<T> f = new CompletableFuture<>();
      Thread t =
          Thread.ofPlatform()
              .daemon()
              .name(name)
              .start(
                  () -> {
                    try {
                      f.complete(body.run());
                    } catch (Exception | AssertionError e) {
                      f.completeExceptionally(e);
                    }
                  });
      synchronized (threads) {
        threads.add(t);
      }
      return f;
    }

    @Override
    public void close() throws IOException {
      listener.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
      synchronized (threads) {
        for (Thread t : threads) {
          try {
            t.join(TimeUnit.SECONDS.toMillis(10));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  @FunctionalInterface
  private interface IoBody<T> {
    T run() throws Exception;
  }

  /** Reads until EOF (or a reset); returns what arrived. */
  private static byte[] readToEnd(Socket s) throws IOException {
    s.setSoTimeout(30_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    InputStream in = s.getInputStream();
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (SocketException e) {
      // a reset ends the stream too
    }
    return out.toByteArray();
  }

  // ================================================================ to a zloop TLS server

  @BackendTest
  void plaintextToATlsPortIsRefusedAndTheLoopServesOthers(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        RawPeer peer = new RawPeer()) {
      List<TlsFeaturesTest.EchoRecorder> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(TlsCerts.get().context("server")), accepted);
      try {
        int port = port(server);
        CompletableFuture<byte[]> plain =
            peer.run(
                "plaintext-client",
                () -> {
                  Socket s = peer.track(new Socket(InetAddress.getLoopbackAddress(), port));
                  s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  return readToEnd(s);
                });
        goodRoundTrip(loop, server);
        byte[] answer = await(loop, loop.wrap(plain), "the server to end the plaintext connection");
        assertTrue(
            answer.length == 0 || answer[0] == 0x15,
            "nothing but a TLS alert goes back to a plaintext client: " + answer.length + " bytes");
        long silent = accepted.stream().filter(r -> r.madeCalls == 0).count();
        assertEquals(1, silent, "the plaintext connection never reached the application");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aClientThatStopsMidHandshakeIsDroppedAtTheTimeout(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        RawPeer peer = new RawPeer()) {
      List<TlsFeaturesTest.EchoRecorder> accepted = new ArrayList<>();
      Server server =
          echoServer(
              loop,
              TlsOptions.of(TlsCerts.get().context("server")).withHandshakeTimeout(Duration.ofSeconds(3)),
              accepted);
      try {
        int port = port(server);
        // Half a ClientHello record, then silence: the server must give up on its own.
        CompletableFuture<byte[]> stalled =
            peer.run(
                "stalled-client",
                () -> {
                  Socket s = peer.track(new Socket(InetAddress.getLoopbackAddress(), port));
                  s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc});
                  return readToEnd(s);
                });
        // And one that sends half a record and goes away.
        CompletableFuture<byte[]> vanished =
            peer.run(
                "vanishing-client",
                () -> {
                  Socket s = peer.track(new Socket(InetAddress.getLoopbackAddress(), port));
                  s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
                  s.shutdownOutput();
                  return readToEnd(s);
                });
        goodRoundTrip(loop, server);
        assertFalse(stalled.isDone(), "the good connection finished while the stalled one waits");
        await(loop, loop.wrap(vanished), "the server to drop the vanished client");
        await(loop, loop.wrap(stalled), "the server to drop the stalled client at its handshake timeout");
        assertEquals(2, accepted.stream().filter(r -> r.madeCalls == 0).count(), "neither reached the application");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** A JDK TLS client over a plain socket, so the test can also write raw bytes under it. */
  private static SSLSocket jdkTlsClient(Socket plain, int port) throws IOException {
    SSLContext ctx = TlsCerts.get().clientContext();
    SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", port, false);
    tls.setSoTimeout(30_000);
    tls.startHandshake();
    return tls;
  }

  private static void jdkEcho(SSLSocket tls) throws IOException {
    OutputStream out = tls.getOutputStream();
    out.write("ping".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    byte[] got = tls.getInputStream().readNBytes(4);
    assertEquals("ping", new String(got, StandardCharsets.US_ASCII));
  }

  @BackendTest
  void garbageAfterTheHandshakeEndsTheConnectionWithAnSslException(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        RawPeer peer = new RawPeer()) {
      List<TlsFeaturesTest.EchoRecorder> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(TlsCerts.get().context("server")), accepted);
      try {
        int port = port(server);
        CompletableFuture<byte[]> peerSaw =
            peer.run(
                "garbage-client",
                () -> {
                  Socket plain = peer.track(new Socket(InetAddress.getLoopbackAddress(), port));
                  SSLSocket tls = jdkTlsClient(plain, port);
                  jdkEcho(tls);
                  byte[] garbage = Net.payload(37, 3);
                  // An application-data record header, then bytes no key produced.
                  plain.getOutputStream().write(new byte[] {0x17, 0x03, 0x03, 0x00, 37});
                  plain.getOutputStream().write(garbage);
                  return readToEnd(plain);
                });
        await(loop, loop.wrap(peerSaw), "the peer to see the connection end");
        TlsFeaturesTest.EchoRecorder srv = accepted.get(0);
        Throwable lost = await(loop, srv.lost, "the server's connectionLost");
        assertInstanceOf(SSLException.class, lost, "a TLS error reaches the application: " + lost);
        goodRoundTrip(loop, server);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aTruncatedRecordIsAnSslException(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        RawPeer peer = new RawPeer()) {
      List<TlsFeaturesTest.EchoRecorder> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(TlsCerts.get().context("server")), accepted);
      try {
        int port = port(server);
        CompletableFuture<byte[]> peerSaw =
            peer.run(
                "truncating-client",
                () -> {
                  Socket plain = peer.track(new Socket(InetAddress.getLoopbackAddress(), port));
                  SSLSocket tls = jdkTlsClient(plain, port);
                  jdkEcho(tls);
                  // A record that announces 1000 bytes, 100 of them, then the end of the stream.
                  plain.getOutputStream().write(new byte[] {0x17, 0x03, 0x03, 0x03, (byte) 0xe8});
                  plain.getOutputStream().write(new byte[100]);
                  plain.shutdownOutput();
                  return readToEnd(plain);
                });
        await(loop, loop.wrap(peerSaw), "the peer to see the connection end");
        TlsFeaturesTest.EchoRecorder srv = accepted.get(0);
        Throwable lost = await(loop, srv.lost, "the server's connectionLost");
        assertInstanceOf(SSLException.class, lost, "a truncated record is a TLS error: " + lost);
        assertTrue(String.valueOf(lost.getMessage()).contains("truncated"), lost.getMessage());
        assertEquals(4, srv.received, "the data before the truncation was delivered");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  // ================================================================ a zloop TLS client

  @BackendTest
  void aPlaintextServerFailsTheConnection(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        RawPeer peer = new RawPeer()) {
      CompletableFuture<byte[]> server =
          peer.run(
              "plaintext-server",
              () -> {
                Socket s = peer.track(peer.listener.accept());
                s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return readToEnd(s);
              });
      Recorder.Plain r = new Recorder.Plain(loop);
      Throwable failure =
          awaitFailure(
              loop,
              loop.createConnection(() -> r, "127.0.0.1", peer.port(), ConnectOptions.DEFAULT.withTls(client())),
              "a TLS connection to a plaintext server");
      assertInstanceOf(SSLHandshakeException.class, failure, "a clear TLS error: " + failure);
      assertEquals(0, r.madeCalls, "the application never heard of the connection");
      await(loop, loop.wrap(server), "the plaintext server to see the client go");
    }
  }

  @BackendTest
  void aSilentServerHitsTheHandshakeTimeoutWhileTheLoopServesOthers(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        RawPeer peer = new RawPeer()) {
      List<TlsFeaturesTest.EchoRecorder> accepted = new ArrayList<>();
      Server good = echoServer(loop, TlsOptions.of(TlsCerts.get().context("server")), accepted);
      try {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<byte[]> silent =
            peer.run(
                "silent-server",
                () -> {
                  Socket s = peer.track(peer.listener.accept());
                  byte[] hello = s.getInputStream().readNBytes(5); // the ClientHello's header, then nothing
                  release.await(60, TimeUnit.SECONDS);
                  return hello;
                });
        Recorder.Plain r = new Recorder.Plain(loop);
        Future<Connection<Recorder.Plain>> f =
            loop.createConnection(
                () -> r,
                "127.0.0.1",
                peer.port(),
                ConnectOptions.DEFAULT.withTls(client().withHandshakeTimeout(Duration.ofSeconds(3))));
        goodRoundTrip(loop, good);
        assertFalse(f.isDone(), "the silent server's handshake still waits while a good one finished");
        Throwable failure = awaitFailure(loop, f, "the handshake timeout");
        assertInstanceOf(SSLHandshakeException.class, failure);
        assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
        assertInstanceOf(SocketTimeoutException.class, failure.getCause());
        release.countDown();
        assertEquals(0x16, await(loop, loop.wrap(silent), "the silent server")[0], "it got a handshake record");
      } finally {
        shutdown(loop, good);
      }
    }
  }

  @BackendTest
  void aServerThatVanishesMidHandshakeFailsTheConnection(String backend) throws Exception {
    for (boolean reset : new boolean[] {false, true}) {
      try (EventLoop loop = Backends.open(backend);
          RawPeer peer = new RawPeer()) {
        CompletableFuture<Integer> vanishing =
            peer.run(
                "vanishing-server",
                () -> {
                  Socket s = peer.track(peer.listener.accept());
                  int n = s.getInputStream().readNBytes(5).length;
                  if (reset) {
                    s.setSoLinger(true, 0);
                  }
                  s.close();
                  return n;
                });
        Recorder.Plain r = new Recorder.Plain(loop);
        Throwable failure =
            awaitFailure(
                loop,
                loop.createConnection(() -> r, "127.0.0.1", peer.port(), ConnectOptions.DEFAULT.withTls(client())),
                "a handshake with a server that goes away" + (reset ? " (reset)" : ""));
        assertInstanceOf(SSLHandshakeException.class, failure, "a clear TLS error: " + failure);
        if (reset) {
          assertTrue(chainHas(failure, SocketException.class, null), "caused by the reset: " + failure);
        } else {
          assertTrue(failure.getMessage().contains("closed"), failure.getMessage());
        }
        await(loop, loop.wrap(vanishing), "the vanishing server");
      }
    }
  }

  @BackendTest
  void badCertificatesFailTheHandshake(String backend) {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      record Case(String cert, String hostname, Class<?> causeType, String text) {}
      List<Case> cases =
          List.of(
              new Case("expired", null, CertificateExpiredException.class, null),
              new Case("untrusted", null, null, "unable to find valid certification path"),
              new Case("wronghost", null, null, "No subject alternative"),
              new Case("server", "wrong.example", null, "No subject alternative"));
      for (Case k : cases) {
        List<TlsFeaturesTest.EchoRecorder> accepted = new ArrayList<>();
        Server server = echoServer(loop, TlsOptions.of(certs.context(k.cert())), accepted);
        try {
          Recorder.Plain r = new Recorder.Plain(loop);
          TlsOptions tls = k.hostname() != null ? client().withServerHostName(k.hostname()) : client();
          Throwable failure =
              awaitFailure(
                  loop,
                  loop.createConnection(() -> r, "localhost", port(server), ConnectOptions.DEFAULT.withTls(tls)),
                  "a handshake with the " + k.cert() + " certificate");
          assertInstanceOf(SSLHandshakeException.class, failure, k.cert() + ": " + failure);
          assertTrue(chainHas(failure, k.causeType(), k.text()), k.cert() + ": the reason is in " + failure);
          assertEquals(0, r.madeCalls);
          // The server heard the client's alert and dropped the connection (the fd check sees it).
          assertEquals(1, accepted.size());
          assertEquals(0, accepted.get(0).madeCalls, "the server's application never saw it");
        } finally {
          shutdown(loop, server);
        }
      }
      // Without the host name check, the certificate for another name is trusted (same CA).
      List<TlsFeaturesTest.EchoRecorder> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(certs.context("wronghost")), accepted);
      try {
        Recorder.Plain r = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(
                loop,
                loop.createConnection(
                    () -> r, "127.0.0.1", port(server), ConnectOptions.DEFAULT.withTls(client().withServerHostName(""))),
                "serverHostName \"\" skips the host name check");
        assertTrue(c.transport().getExtraInfo("peercert") != null, "peercert");
        c.transport().close();
        assertNull(await(loop, r.lost, "close"));
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void garbageFromAServerAfterTheHandshakeReachesConnectionLost(String backend) throws Exception {
    SSLContext serverCtx = TlsCerts.get().context("server");
    try (EventLoop loop = Backends.open(backend);
        RawPeer peer = new RawPeer()) {
      CompletableFuture<byte[]> server =
          peer.run(
              "garbage-server",
              () -> {
                // A JDK TLS server layered over a plain socket, so raw bytes can go under it.
                Socket plain = peer.track(peer.listener.accept());
                SSLSocket tls = (SSLSocket) serverCtx.getSocketFactory().createSocket(plain, null, false);
                tls.setSoTimeout(30_000);
                tls.startHandshake();
                byte[] got = tls.getInputStream().readNBytes(4);
                tls.getOutputStream().write(got);
                tls.getOutputStream().flush();
                plain.getOutputStream().write(new byte[] {0x17, 0x03, 0x03, 0x00, 40});
                plain.getOutputStream().write(Net.payload(40, 4));
                return readToEnd(plain);
              });
      Recorder.Plain r = new Recorder.Plain(loop);
      Connection<Recorder.Plain> c =
          await(
              loop,
              loop.createConnection(() -> r, "localhost", peer.port(), ConnectOptions.DEFAULT.withTls(client())),
              "connect to a JDK TLS server");
      r.expect(4);
      c.transport().write("pong".getBytes(StandardCharsets.US_ASCII));
      await(loop, r.gotAll, "the JDK server's echo");
      Throwable lost = await(loop, r.lost, "connectionLost after the garbage");
      assertInstanceOf(SSLException.class, lost, "a TLS error reaches the application: " + lost);
      assertEquals(4, r.received, "the good data before the garbage was delivered");
      await(loop, loop.wrap(server), "the JDK server to see the connection end");
    }
  }
}
