package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.crc;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Protocol;
import zloop.Server;
import zloop.ServerOptions;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * TLS with peers zloop did not write: OpenSSL's {@code s_client} and {@code s_server}, {@code
 * curl} against a zloop HTTPS server, Python's {@code ssl} and {@code asyncio}. Certificates are
 * made by {@link TlsCerts}; a peer that is not installed makes its test skip, with the reason.
 */
@Timeout(240)
@ExtendWith(FdLeakCheck.class)
class TlsInteropTest {
  private static final Duration PEER_DEADLINE = Duration.ofSeconds(150);

  @TempDir Path dir;

  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  /** Echoes, counts, and closes (close_notify) once {@code closeAfter} bytes came and went back. */
  static final class EchoThenClose extends Recorder.Plain {
    private final long closeAfter;

    EchoThenClose(EventLoop loop, long closeAfter) {
      super(loop);
      this.closeAfter = closeAfter;
      keepLimit = 0;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      transport.write(data.duplicate());
      record(data);
      if (received >= closeAfter) {
        transport.close();
      }
    }
  }

  private static Server echoServer(EventLoop loop, TlsOptions tls, long closeAfter, List<EchoThenClose> accepted) {
    return await(
        loop,
        loop.createServer(
            () -> {
              EchoThenClose e = new EchoThenClose(loop, closeAfter);
              accepted.add(e);
              return e;
            },
            "127.0.0.1",
            0,
            ServerOptions.DEFAULT.withTls(tls)),
        "TLS echo server");
  }

  /** Runs a command with stdin from a file and stdout/stderr to files, on the loop, bounded. */
  private int runToEnd(EventLoop loop, List<String> cmd, Path in, Path out, Path err) throws IOException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      await(loop, loop.wrap(p.onExit()), String.join(" ", cmd) + " to finish", PEER_DEADLINE);
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      p.getInputStream().close();
      p.getOutputStream().close();
      p.getErrorStream().close();
    }
    return p.exitValue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  // ================================================================ openssl s_client -> zloop

  @BackendTest
  void opensslClientEchoesThroughAZloopServer(String backend) throws Exception {
    TlsSupport.openssl();
    TlsCerts certs = TlsCerts.get();
    int size = 4 << 20;
    byte[] data = Net.payload(size, 21);
    Path in = Files.write(dir.resolve("in.bin"), data);
    try (EventLoop loop = Backends.open(backend)) {
      for (String version : List.of("-tls1_3", "-tls1_2")) {
        List<EchoThenClose> accepted = new ArrayList<>();
        Server server =
            echoServer(
                loop, TlsOptions.of(certs.context("server")).withAlpnProtocols("echo", "http/1.1"), size, accepted);
        try {
          Path out = dir.resolve("out" + version + ".bin");
          Path err = dir.resolve("err" + version + ".txt");
          int exit =
              runToEnd(
                  loop,
                  List.of(
                      "openssl", "s_client", "-connect", "127.0.0.1:" + port(server), "-servername", "localhost",
                      "-verify_hostname", "localhost", "-CAfile", certs.ca().toString(), "-verify_return_error",
                      "-alpn", "echo", version, "-quiet"),
                  in,
                  out,
                  err);
          assertEquals(0, exit, "s_client " + version + " exit code; stderr:\n" + Files.readString(err));
          byte[] echoed = Files.readAllBytes(out);
          assertEquals(size, echoed.length, "bytes s_client got back (" + version + ")");
          assertEquals(crc(data), crc(echoed), "CRC32 of what s_client got back (" + version + ")");
          EchoThenClose srv = accepted.get(0);
          assertNull(await(loop, srv.lost, "the server's connectionLost"), "a clean close");
          assertEquals(crc(data), srv.crcValue(), "CRC32 at the zloop server");
          assertEquals("echo", srv.transport.getExtraInfo("alpn"), "ALPN chosen with s_client");
          assertEquals(version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2", srv.transport.getExtraInfo("protocol"));
        } finally {
          shutdown(loop, server);
        }
      }
    }
  }

  /** An interactive s_client: lines in, its output (merged) as lines. */
  private static Subprocess interactiveClient(int port, String version, TlsCerts certs) throws IOException {
    return Subprocess.start(
        List.of(
            "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-CAfile",
            certs.ca().toString(), "-verify_return_error", version));
  }

  @BackendTest
  void tls13KeyUpdatesFromOpensslAreHandled(String backend) throws Exception {
    TlsSupport.openssl();
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      List<EchoThenClose> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(certs.context("server")), Long.MAX_VALUE, accepted);
      try (Subprocess client = interactiveClient(port(server), "-tls1_3", certs)) {
        // (s_client's session report is block-buffered on a pipe: wait for echoes, not for it)
        int round = 0;
        for (String command : List.of("K", "k", "K")) {
          round++;
          client.send("hello " + round);
          expectOnTheLoop(loop, client, "hello " + round); // the echo
          client.send(command); // a key update (K also asks the peer to update its keys)
          expectOnTheLoop(loop, client, "KEYUPDATE");
        }
        client.send("after the updates");
        expectOnTheLoop(loop, client, "after the updates");
        client.send("Q");
        await(loop, loop.wrap(client.onExit()), "s_client to quit", PEER_DEADLINE);
        EchoThenClose srv = accepted.get(0);
        assertNull(await(loop, srv.lost, "the server's connectionLost"), "a clean end after key updates");
        assertEquals(
            "hello 1\nhello 2\nhello 3\nafter the updates\n".length(), srv.received, "the server got every line");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void tls12RenegotiationIsRefusedCleanly(String backend) throws Exception {
    TlsSupport.openssl();
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      List<EchoThenClose> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(certs.context("server")), Long.MAX_VALUE, accepted);
      try (Subprocess client = interactiveClient(port(server), "-tls1_2", certs)) {
        // (s_client's session report is block-buffered on a pipe: wait for echoes, not for it)
        client.send("before");
        expectOnTheLoop(loop, client, "before");
        client.send("R");
        expectOnTheLoop(loop, client, "RENEGOTIATING");
        EchoThenClose srv = accepted.get(0);
        Throwable lost = await(loop, srv.lost, "the server's connectionLost after the renegotiation attempt");
        assertInstanceOf(SSLException.class, lost, "refused with a TLS error: " + lost);
        assertTrue(lost.getMessage().contains("renegotiation"), lost.getMessage());
        client.send("Q");
        await(loop, loop.wrap(client.onExit()), "s_client to end", PEER_DEADLINE);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void aRenegotiationRequestFromOpensslServerIsRefusedCleanly(String backend) throws Exception {
    TlsSupport.openssl();
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      int port = freePort();
      try (Subprocess server =
          Subprocess.start(
              List.of(
                  "openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", certs.pem("server").toString(),
                  "-key", certs.key("server").toString(), "-naccept", "1", "-tls1_2"))) {
        expectOnTheLoop(loop, server, "ACCEPT");
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(
                loop,
                loop.createConnection(
                    () -> client, "localhost", port, ConnectOptions.DEFAULT.withTls(TlsOptions.of(certs.clientContext()))),
                "connect to s_server -tls1_2");
        assertEquals("TLSv1.2", c.transport().getExtraInfo("protocol"));
        c.transport().write("ping from zloop\n".getBytes(StandardCharsets.US_ASCII));
        expectOnTheLoop(loop, server, "ping from zloop");
        server.send("r"); // s_server: send a HelloRequest
        Throwable lost = await(loop, client.lost, "connectionLost after the server asked to renegotiate");
        assertInstanceOf(SSLException.class, lost, "refused with a TLS error: " + lost);
        assertTrue(lost.getMessage().contains("renegotiation"), lost.getMessage());
        server.send("Q");
        await(loop, loop.wrap(server.onExit()), "s_server to end", PEER_DEADLINE);
      }
    }
  }

  /** {@link Subprocess#expect} without blocking the loop: waits on another thread. */
  private static String expectOnTheLoop(EventLoop loop, Subprocess p, String prefix) {
    java.util.concurrent.CompletableFuture<String> line = new java.util.concurrent.CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                line.complete(p.expect(prefix));
              } catch (InterruptedException | RuntimeException | AssertionError e) {
                line.completeExceptionally(e);
              }
            });
    return await(loop, loop.wrap(line), "the peer to print " + prefix, PEER_DEADLINE);
  }

  // ================================================================ zloop -> openssl s_server

  @BackendTest
  void aZloopClientTalksToOpensslServer(String backend) throws Exception {
    TlsSupport.openssl();
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      for (String version : List.of("-tls1_3", "-tls1_2")) {
        int port = freePort();
        try (Subprocess server =
            Subprocess.start(
                List.of(
                    "openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", certs.pem("server").toString(),
                    "-key", certs.key("server").toString(), "-CAfile", certs.ca().toString(), "-Verify", "1",
                    "-verify_return_error", "-rev", "-naccept", "1", version))) {
          expectOnTheLoop(loop, server, "ACCEPT");
          Recorder.Plain client = new Recorder.Plain(loop);
          client.keepLimit = 4 << 20;
          Connection<Recorder.Plain> c =
              await(
                  loop,
                  loop.createConnection(
                      () -> client,
                      "localhost",
                      port,
                      ConnectOptions.DEFAULT.withTls(TlsOptions.of(certs.context("client")))),
                  "connect to s_server " + version + " with a client certificate");
          StringBuilder sent = new StringBuilder();
          StringBuilder want = new StringBuilder();
          for (int i = 0; i < 2000; i++) {
            String line = "line number " + i + " from zloop";
            sent.append(line).append('\n');
            want.append(new StringBuilder(line).reverse()).append('\n');
          }
          c.transport().write(sent.toString().getBytes(StandardCharsets.US_ASCII));
          await(loop, client.receivedAtLeast(want.length()), "s_server's reversed lines (" + version + ")");
          assertEquals(want.toString(), TlsSupport.text(client.bytes()).substring(0, want.length()));
          c.transport().write("CLOSE\n".getBytes(StandardCharsets.US_ASCII)); // s_server -rev: shut down
          Throwable lost = await(loop, client.lost, "s_server to close (" + version + ")");
          assertTrue(lost == null, "a clean close from s_server: " + lost);
          await(loop, loop.wrap(server.onExit()), "s_server to exit", PEER_DEADLINE);
        }
      }
    }
  }

  // ================================================================ curl -> zloop HTTPS

  /** A minimal HTTP/1.1 server: answers each request with a greeting and closes. */
  static final class Hello implements Protocol {
    private final StringBuilder request = new StringBuilder();
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      request.append(StandardCharsets.ISO_8859_1.decode(data));
      if (request.indexOf("\r\n\r\n") >= 0) {
        String body =
            "hello from zloop over " + transport.getExtraInfo("protocol") + " alpn=" + transport.getExtraInfo("alpn") + "\n";
        transport.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length()
                    + "\r\nConnection: close\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.US_ASCII));
        transport.close();
      }
    }
  }

  @BackendTest
  void curlFetchesFromAZloopHttpsServer(String backend) throws Exception {
    TlsSupport.curl();
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      Server server =
          await(
              loop,
              loop.createServer(
                  Hello::new,
                  "127.0.0.1",
                  0,
                  ServerOptions.DEFAULT.withTls(
                      TlsOptions.of(certs.context("server")).withAlpnProtocols("http/1.1"))),
              "HTTPS server");
      try {
        int port = port(server);
        for (List<String> version : List.of(List.of("--tlsv1.3"), List.of("--tlsv1.2", "--tls-max", "1.2"))) {
          List<String> cmd = new ArrayList<>(
              List.of(
                  "curl", "-sS", "--cacert", certs.ca().toString(), "--resolve", "localhost:" + port + ":127.0.0.1",
                  "-w", "\\nhttp=%{http_version} verify=%{ssl_verify_result}\\n"));
          cmd.addAll(version);
          cmd.add("https://localhost:" + port + "/");
          cmd.add("https://localhost:" + port + "/again");
          Path out = dir.resolve("curl.out");
          Path err = dir.resolve("curl.err");
          Path empty = Files.write(dir.resolve("empty"), new byte[0]);
          int exit = runToEnd(loop, cmd, empty, out, err);
          String got = Files.readString(out);
          assertEquals(0, exit, "curl " + version + ": " + Files.readString(err) + got);
          String tls = version.get(0).equals("--tlsv1.3") ? "TLSv1.3" : "TLSv1.2";
          assertEquals(
              2,
              got.split("hello from zloop over " + tls + " alpn=http/1.1", -1).length - 1,
              "two greetings over " + tls + ":\n" + got);
          assertTrue(got.contains("http=1.1 verify=0"), got);
        }
      } finally {
        shutdown(loop, server);
      }
    }
  }

  // ================================================================ Python ssl / asyncio -> zloop

  private static final String PY_ASYNCIO_CLIENT =
      """
      import asyncio, random, ssl, sys, zlib

      async def main():
          host, port, size, seed, cafile = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
          ctx = ssl.create_default_context(cafile=cafile)
          data = random.Random(seed).randbytes(size)
          reader, writer = await asyncio.open_connection(host, port, ssl=ctx, server_hostname="localhost")
          async def send():
              view = memoryview(data)
              for off in range(0, size, 256 * 1024):
                  writer.write(view[off:off + 256 * 1024])
                  await writer.drain()
          sender = asyncio.create_task(send())
          crc, n = 0, 0
          while n < size:
              chunk = await reader.read(1 << 20)
              if not chunk:
                  break
              crc = zlib.crc32(chunk, crc)
              n += len(chunk)
          await sender
          tls = writer.get_extra_info("ssl_object")
          print(f"TLS {tls.version()} {tls.cipher()[0]}")
          writer.close()
          await writer.wait_closed()
          print(f"SENT {size} {zlib.crc32(data)}")
          print(f"RECEIVED {n} {crc}", flush=True)

      asyncio.run(asyncio.wait_for(main(), 120))
      """;

  @BackendTest
  void pythonAsyncioSends64MiBEachWay(String backend) throws Exception {
    String python = TlsSupport.python();
    TlsCerts certs = TlsCerts.get();
    int size = 64 << 20;
    Path script = Files.writeString(dir.resolve("tls_client.py"), PY_ASYNCIO_CLIENT);
    try (EventLoop loop = Backends.open(backend)) {
      List<EchoThenClose> accepted = new ArrayList<>();
      Server server = echoServer(loop, TlsOptions.of(certs.context("server")), Long.MAX_VALUE, accepted);
      try (Subprocess client =
          Subprocess.start(
              List.of(
                  python, script.toString(), "127.0.0.1", String.valueOf(port(server)), String.valueOf(size), "7",
                  certs.ca().toString()))) {
        await(loop, loop.wrap(client.onExit()), "the Python client to finish", PEER_DEADLINE);
        assertEquals(0, client.waitFor(), "the Python client's exit code; output:\n" + client.output());
        String[] tls = client.expect("TLS").split(" ", -1);
        String[] sent = client.expect("SENT").split(" ", -1);
        String[] received = client.expect("RECEIVED").split(" ", -1);
        assertEquals("TLSv1.3", tls[1]);
        assertEquals(String.valueOf(size), received[1], "bytes echoed back to Python");
        assertEquals(sent[2], received[2], "CRC32 of what Python sent and of what it got back");
        EchoThenClose srv = accepted.get(0);
        assertNull(await(loop, srv.lost, "the server's connectionLost"), "Python closed with close_notify");
        assertEquals(size, srv.received, "bytes the zloop server decrypted");
        assertEquals(Long.parseLong(sent[2]), srv.crcValue(), "CRC32 at the zloop server");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  private static final String PY_SSL_CLIENT =
      """
      import socket, ssl, sys
      port, cafile = int(sys.argv[1]), sys.argv[2]
      ctx = ssl.create_default_context(cafile=cafile)
      ctx.maximum_version = ssl.TLSVersion.TLSv1_2
      ctx.set_alpn_protocols(["h2", "http/1.1"])
      with socket.create_connection(("127.0.0.1", port)) as raw:
          with ctx.wrap_socket(raw, server_hostname="localhost") as s:
              s.sendall(b"hello from python ssl")
              got = b""
              while len(got) < 21:
                  chunk = s.recv(100)
                  if not chunk:
                      break
                  got += chunk
              print("ECHO", got.decode(), "|", s.version(), s.selected_alpn_protocol(), flush=True)
      """;

  @BackendTest
  void pythonSslWithTls12AndAlpn(String backend) throws Exception {
    String python = TlsSupport.python();
    TlsCerts certs = TlsCerts.get();
    Path script = Files.writeString(dir.resolve("ssl_client.py"), PY_SSL_CLIENT);
    try (EventLoop loop = Backends.open(backend)) {
      List<EchoThenClose> accepted = new ArrayList<>();
      Server server =
          echoServer(
              loop, TlsOptions.of(certs.context("server")).withAlpnProtocols("http/1.1"), Long.MAX_VALUE, accepted);
      try (Subprocess client =
          Subprocess.start(List.of(python, script.toString(), String.valueOf(port(server)), certs.ca().toString()))) {
        await(loop, loop.wrap(client.onExit()), "the Python ssl client", PEER_DEADLINE);
        assertEquals(0, client.waitFor(), client.output());
        assertEquals("ECHO hello from python ssl | TLSv1.2 http/1.1", client.expect("ECHO"));
        Throwable lost = await(loop, accepted.get(0).lost, "the server's connectionLost");
        assertTrue(lost == null, "Python's close: " + lost);
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
